// Build dist/:
// - dist/cli.cjs: the CLI as one CommonJS bundle, run by bin/hookscope.js through
//   dist/launcher.cjs with V8's code cache (see src/launcher.ts). Commands and heavy modules are
//   still evaluated only when used (esbuild keeps lazy `import()`s as lazy initialisers).
//   Its first line is `// hookscope-build <id>`, a hash of the rest: the cache's key.
// - dist/index.js (+ chunks): the library entry, ESM, and the .d.ts files (tsc).
// Why bundle at all: loading zod as ~100 files costs ~80 ms per run; bundled it is ~35 ms.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target: 'node20', legalComments: 'none', logLevel: 'warning' };

await build({
  ...common,
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  // CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __hookscopeRequire } from 'node:module'; const require = __hookscopeRequire(import.meta.url);" },
});

const commonJs = {
  ...common,
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // The sources are ESM and find package.json and fixtures/ from import.meta.url.
  define: { 'import.meta.url': '__hookscopeModuleUrl' },
  banner: { js: "const __hookscopeModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
};
// undici (used by send, replay and listen --forward-to) is a file of its own, required on first
// use: every run parses, or reads from the code cache, the whole CLI bundle, and undici alone
// was 40% of it. Only named exports cross this line: a module's default export would not
// survive it (esbuild's interop makes `default` the whole CommonJS exports object).
await build({ ...commonJs, entryPoints: { 'undici-lite': 'src/core/undici-lite.ts' } });
const apart = {
  name: 'apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/undici-lite\.js$/ }, () => ({ path: 'undici-lite', namespace: 'apart' }));
    b.onLoad({ filter: /.*/, namespace: 'apart' }, (args) => ({ contents: `module.exports = require('./${args.path}.cjs');`, loader: 'js' }));
    b.onResolve({ filter: /^\.\/[\w-]+\.cjs$/ }, (args) => ({ path: args.path, external: true }));
  },
};
await build({ ...commonJs, entryPoints: { cli: 'src/cli.ts', launcher: 'src/launcher.ts' }, plugins: [apart] });
const cli = readFileSync('dist/cli.cjs', 'utf8');
// A vm.Script has no module loader: an import() left in the bundle (of a Node built-in, say)
// would fail at run time. Import built-ins statically instead.
const dynamic = /[^\w$.]import\((?!['"]\.\.?\/types)/.exec(cli.replace(/^\s*(\*|\/\/).*$/gm, ''));
if (dynamic) throw new Error(`dist/cli.cjs keeps a dynamic import(), which cannot run in the launcher: …${cli.slice(cli.indexOf(dynamic[0]) - 80, cli.indexOf(dynamic[0]) + 40)}…`);
const id = createHash('sha256').update(cli).digest('hex').slice(0, 16);
writeFileSync('dist/cli.cjs', `// hookscope-build ${id}\n${cli}`);

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], { stdio: 'inherit' });
