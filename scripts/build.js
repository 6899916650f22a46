// Build dist/: the CLI (dist/cli.js, run by bin/hookscope.js) and the library entry
// (dist/index.js) as ES modules, with what they share in dist/chunks/, plus the .d.ts files (tsc).
// Commands and heavy modules stay behind lazy import()s, so each becomes a chunk loaded only by
// the command that needs it: `hookscope --help` loads commander and the command registrations.
// Why bundle at all: loading zod as ~100 files costs ~80 ms per run; bundled it is one chunk.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts', index: 'src/index.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies (commander, undici) call require() for Node built-ins; an ES module
  // has no require of its own, so each output file gets one from node:module.
  banner: { js: "import { createRequire as __hookscopeRequire } from 'node:module'; const require = __hookscopeRequire(import.meta.url);" },
});

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], { stdio: 'inherit' });
