// The package's own root (where package.json and fixtures/ live), found from this module's
// URL. Walking up instead of a fixed '../..' keeps it right both from src/ (tests) and from
// the bundled dist/ chunks, which sit at a different depth.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// It is imported on `hookscope --help`'s path (the version), so node:fs comes from
// process.getBuiltinModule: an ES import of 'node:fs' builds the module's named exports, which
// reads `fs.promises` and so loads fs/promises, streams and readline (~30 of Node's internal
// modules, ~3 ms of start-up) that --help never uses.
const { existsSync, readFileSync } = process.getBuiltinModule('node:fs');

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'hookscope') return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the hookscope package root');
    dir = up;
  }
}

/** package.json's version, written into dist/ by scripts/build.js (esbuild's `define`). */
declare const HOOKSCOPE_VERSION: string | undefined;

let version: string | undefined;

/**
 * The package's version: the one the build wrote in (reading package.json cost `--help` ~1.4 ms
 * on Node 20: the root's walk, two reads and parses, all cold code), else package.json's (run
 * from src/, as the tests do).
 */
export function packageVersion(): string {
  version ??=
    typeof HOOKSCOPE_VERSION === 'string' ? HOOKSCOPE_VERSION : (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
