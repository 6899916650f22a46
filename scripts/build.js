// Build dist/: the CLI's entry (dist/cli/main.js, run by bin/hookscope.js), the commands
// (dist/commands/<verb>.js, each loaded by the CLI's import() when it runs), the library entry
// (dist/index.js) and what they share in dist/chunks/, all ES modules, plus the .d.ts files (tsc).
// Two esbuild passes, because start-up pays ~2 ms for every module it loads (bench/startup):
// 1. the commands, the library and the modules they import lazily, split into shared chunks;
// 2. the CLI's entry alone, unsplit: commander, the command registrations and the little they
//    import (errors, the package's version) inside one file, its command import()s left as they
//    are written (src/cli/ and dist/cli/ sit alike beside commands/ and ui/). Shared with pass 1 it
//    would import three chunks at start-up (esbuild's helpers, errors, the package root).
//    The copy of src/errors.ts inside it is why the CLI tells a UserError by name (isUserError).
// Why bundle at all: loading zod as ~100 files costs ~80 ms per run; bundled it is one chunk.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { nodeBundle } from './esbuild-node.js';

const node = {
  ...nodeBundle,
  outdir: 'dist',
  outbase: 'src',
  // `hookscope --version` (and the User-Agent) without reading package.json at run time.
  define: { HOOKSCOPE_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
};
const commands = readdirSync('src/commands').filter((f) => f.endsWith('.ts')).map((f) => `src/commands/${f}`);
// What src/cli/ loads with import(): every command, and the colour decision.
const lazy = ['../commands/*', '../ui/color.js'];

rmSync('dist', { recursive: true, force: true });
await build({ ...node, entryPoints: ['src/index.ts', 'src/ui/color.ts', ...commands], splitting: true, chunkNames: 'chunks/[name]-[hash]' });
await build({ ...node, entryPoints: ['src/cli/main.ts'], external: lazy });

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
