// Build dist/: esbuild bundles the CLI and the library entry (with code splitting, so each
// command's lazy import stays a separate chunk), then tsc emits the .d.ts files.
// Why bundle: loading zod as ~100 files costs ~80 ms per run; bundled it is ~35 ms, which is
// most of the difference between `hookscope validate` and a bare JSON.parse loop.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS dependencies (commander, undici) call require() for Node built-ins.
  banner: { js: "import { createRequire as __hookscopeRequire } from 'node:module'; const require = __hookscopeRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], { stdio: 'inherit' });
