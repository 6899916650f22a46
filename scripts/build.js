// Build dist/: the CLI (dist/cli.js, run by bin/hookscope.js) and the library entry
// (dist/index.js) as ES modules, with what they share in dist/chunks/, plus the .d.ts files (tsc).
// Commands and heavy modules stay behind lazy import()s, so each becomes a chunk loaded only by
// the command that needs it: `hookscope --help` loads commander and the command registrations.
// Why bundle at all: loading zod as ~100 files costs ~80 ms per run; bundled it is one chunk.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
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

// The inspector's page (listen --ui): Preact, bundled and minified for the browser into
// dist/inspector/, served from the package by src/inspector/server.ts; nothing loads from a CDN.
await build({
  entryPoints: { app: 'src/inspector/ui/app.tsx' },
  outdir: 'dist/inspector',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync('src/inspector/ui/index.html', 'dist/inspector/index.html');
copyFileSync('src/inspector/ui/app.css', 'dist/inspector/app.css');
// The page's budget (issue #16): under 150 KB of JavaScript gzipped. test/unit/inspector-size.test.ts checks it too.
const gzipped = gzipSync(readFileSync('dist/inspector/app.js'), { level: 9 }).length;
if (gzipped > 150 * 1024) throw new Error(`dist/inspector/app.js is ${gzipped} bytes gzipped: over the 150 KB budget`);

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], { stdio: 'inherit' });
