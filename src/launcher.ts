// What bin/hookscope.js runs: the CLI bundle (dist/cli.cjs), through V8's code cache.
//
// Why: parsing and compiling the bundle is most of what a short run spends before its first
// useful line; with V8's code cache the second run onwards deserialises it instead (about 20 ms of
// `hookscope validate`'s ~50 ms start-up on this project's benchmark machine). Node 22 offers
// this as module.enableCompileCache(); Node 20 does not, so this is the same idea by hand: one
// bundle, run as a vm.Script with `cachedData`, cache written once per build.
//
// Safety: the cache file is named after the bundle's build id (a hash of its text, written by
// scripts/build.js) and the Node version and CPU arch; V8 itself also refuses data from another
// V8 version, other flags or another source length. The directory must belong to this user and
// be closed to others, or no cache is used. Any failure means running without the cache, never
// an error: a cache only ever saves time.
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** The first line scripts/build.js writes into the bundle: `// hookscope-build <id>`. */
const BUILD_LINE = /^\/\/ hookscope-build ([0-9a-f]{16,64})\n/;
/** Caches of other builds untouched this long are removed when a new one is written. */
const STALE_MS = 14 * 24 * 3600 * 1000;

export interface LaunchResult {
  /** The cache file used or written; undefined when caching is off or impossible. */
  cacheFile?: string;
  /** What happened to the cache on this run. */
  cache: 'off' | 'used' | 'written' | 'rejected-and-written' | 'unavailable';
}

/**
 * Where the cache lives, or undefined when it is switched off:
 * HOOKSCOPE_DISABLE_COMPILE_CACHE=1 or NODE_DISABLE_COMPILE_CACHE=1 (Node 22's own switch) turn
 * it off; HOOKSCOPE_COMPILE_CACHE=<dir> moves it; default <tmpdir>/hookscope-compile-cache-<uid>.
 */
export function cacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  if (isOn(env.HOOKSCOPE_DISABLE_COMPILE_CACHE) || isOn(env.NODE_DISABLE_COMPILE_CACHE)) return undefined;
  if (env.HOOKSCOPE_COMPILE_CACHE) return env.HOOKSCOPE_COMPILE_CACHE;
  const uid = process.getuid?.();
  return join(tmpdir(), `hookscope-compile-cache${uid === undefined ? '' : `-${uid}`}`);
}

function isOn(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * Make the directory (owner-only) and say whether it is safe to run code cached in it: a real
 * directory (not a link), owned by this user, writable by nobody else. Where there are no
 * POSIX owners (Windows), the per-user temporary directory is trusted as it is.
 */
export function safeDirectory(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory()) return false;
    const uid = process.getuid?.();
    if (uid === undefined) return true;
    return st.uid === uid && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** The cache file for this bundle text, or undefined when the bundle carries no build id. */
export function cacheFileFor(source: string, dir: string): string | undefined {
  const id = BUILD_LINE.exec(source)?.[1];
  if (!id) return undefined;
  return join(dir, `cli-${id}-node${process.versions.node}-${process.arch}.v8cache`);
}

/** Run the CommonJS bundle at `bundle` as the main program, with the code cache when possible. */
export function launch(bundle: string, env: NodeJS.ProcessEnv = process.env): LaunchResult {
  const source = readFileSync(bundle, 'utf8');
  const dir = cacheDirectory(env);
  const file = dir === undefined ? undefined : cacheFileFor(source, dir);
  const usable = file !== undefined && safeDirectory(dir!);
  let cachedData: Buffer | undefined;
  if (usable) {
    try {
      cachedData = readFileSync(file);
    } catch {
      // No cache yet: this run writes it.
    }
  }
  // The same wrapper as Node's CommonJS loader, so the bundle sees what `require` would give it.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
  const mod = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  if (!file) return { cache: 'off' };
  if (!usable) return { cacheFile: file, cache: 'unavailable' };
  if (cachedData && !script.cachedDataRejected) return { cacheFile: file, cache: 'used' };
  // Written now, after the bundle's synchronous start (loading commander and parsing the
  // arguments), so the functions that start compiled are in it too, and before any command
  // changes V8 flags (send does; a cache written after that would not match the next run).
  if (!save(file, script.createCachedData())) return { cacheFile: file, cache: 'unavailable' };
  return { cacheFile: file, cache: cachedData ? 'rejected-and-written' : 'written' };
}

/** Write atomically (temp file, then rename), then clear out other builds' stale caches. */
function save(file: string, data: Buffer): boolean {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, data, { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // Nothing was written.
    }
    return false;
  }
  try {
    const dir = dirname(file);
    const now = Date.now();
    for (const name of readdirSync(dir)) {
      const other = join(dir, name);
      if (other === file || !/^cli-.*\.v8cache$/.test(name)) continue;
      if (now - statSync(other).mtimeMs > STALE_MS) unlinkSync(other);
    }
  } catch {
    // Tidying is best effort.
  }
  return true;
}
