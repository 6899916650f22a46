// The launcher: runs a CommonJS bundle through V8's code cache, and never lets the cache break a run.
// Each launch runs in a fresh process (the built dist/launcher.cjs): within one process V8 reuses
// the script it compiled before and never looks at the cache, so only new processes tell.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheDirectory, cacheFileFor, safeDirectory, type LaunchResult } from '../../src/launcher.js';
import { ROOT } from '../helpers/cli.js';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'hookscope-launcher-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const runs: string[] = [];

/** Launch `file` in a new process with `env`; what the bundle printed goes to `runs`. */
function launch(file: string, env: NodeJS.ProcessEnv): LaunchResult {
  const script = `const r = require(${JSON.stringify(join(ROOT, 'dist/launcher.cjs'))}).launch(process.argv[1], JSON.parse(process.argv[2])); process.stderr.write(JSON.stringify(r));`;
  const child = spawnSync(process.execPath, ['-e', script, file, JSON.stringify(env)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`launch exited ${child.status}: ${child.stderr}`);
  runs.push(child.stdout);
  return JSON.parse(child.stderr) as LaunchResult;
}

/** A bundle that prints that it ran (with what `require`, `__dirname` and `module` gave it). */
function bundle(id: string | undefined, tag = 'a'): string {
  const file = join(work, `bundle-${tag}.cjs`);
  const body = `process.stdout.write(${JSON.stringify(tag)} + ':' + require('node:path').basename(__dirname) + ':' + typeof module.exports);\nfunction unused(x) { return x * 2; }\n`;
  writeFileSync(file, `${id ? `// hookscope-build ${id}\n` : ''}${body}`);
  return file;
}

const ID = '0123456789abcdef';

describe('launch', () => {
  it('runs the bundle as CommonJS, writes the cache on the first run and uses it on the next', () => {
    runs.length = 0;
    const dir = join(work, 'cache');
    const file = bundle(ID);
    const first = launch(file, { HOOKSCOPE_COMPILE_CACHE: dir });
    expect(first.cache).toBe('written');
    expect(first.cacheFile).toBe(join(dir, `cli-${ID}-node${process.versions.node}-${process.arch}.v8cache`));
    expect(statSync(first.cacheFile!).size).toBeGreaterThan(0);
    const second = launch(file, { HOOKSCOPE_COMPILE_CACHE: dir });
    expect(second).toEqual({ cacheFile: first.cacheFile, cache: 'used' });
    expect(runs).toEqual([`a:${work.split('/').at(-1)}:object`, `a:${work.split('/').at(-1)}:object`]);
    // Written once: only the cache file is in the directory (no temp files left behind).
    expect(readdirSync(dir)).toEqual([first.cacheFile!.split('/').at(-1)]);
  });

  it('a corrupt cache is rejected by V8, the bundle still runs, and the cache is written again', () => {
    runs.length = 0;
    const dir = join(work, 'cache');
    const file = bundle(ID);
    const { cacheFile } = launch(file, { HOOKSCOPE_COMPILE_CACHE: dir });
    const good = readFileSync(cacheFile!);
    writeFileSync(cacheFile!, Buffer.from('not a V8 code cache, just some bytes'));
    expect(launch(file, { HOOKSCOPE_COMPILE_CACHE: dir }).cache).toBe('rejected-and-written');
    expect(readFileSync(cacheFile!).length).toBe(good.length);
    // Truncated real data too.
    writeFileSync(cacheFile!, good.subarray(0, good.length >> 1));
    expect(launch(file, { HOOKSCOPE_COMPILE_CACHE: dir }).cache).toBe('rejected-and-written');
    expect(launch(file, { HOOKSCOPE_COMPILE_CACHE: dir }).cache).toBe('used');
    expect(runs).toHaveLength(4);
  });

  it('another build (another id) gets a cache file of its own', () => {
    const dir = join(work, 'cache');
    const a = launch(bundle(ID, 'a'), { HOOKSCOPE_COMPILE_CACHE: dir });
    const b = launch(bundle('fedcba9876543210', 'b'), { HOOKSCOPE_COMPILE_CACHE: dir });
    expect(b.cache).toBe('written');
    expect(b.cacheFile).not.toBe(a.cacheFile);
    expect(readdirSync(dir).sort()).toHaveLength(2);
  });

  it('is off without a build id, or when switched off (HOOKSCOPE_ or NODE_DISABLE_COMPILE_CACHE); the bundle still runs', () => {
    runs.length = 0;
    const dir = join(work, 'cache');
    expect(launch(bundle(undefined), { HOOKSCOPE_COMPILE_CACHE: dir })).toEqual({ cache: 'off' });
    expect(launch(bundle(ID), { HOOKSCOPE_COMPILE_CACHE: dir, HOOKSCOPE_DISABLE_COMPILE_CACHE: '1' })).toEqual({ cache: 'off' });
    expect(launch(bundle(ID), { HOOKSCOPE_COMPILE_CACHE: dir, NODE_DISABLE_COMPILE_CACHE: 'true' })).toEqual({ cache: 'off' });
    expect(existsSync(dir)).toBe(false);
    expect(runs).toHaveLength(3);
  });

  it.skipIf(process.platform === 'win32')('does not use a directory others can write to, nor a file in place of a directory', () => {
    runs.length = 0;
    const open = join(work, 'open');
    launch(bundle(ID), { HOOKSCOPE_COMPILE_CACHE: open });
    chmodSync(open, 0o777);
    const r = launch(bundle(ID), { HOOKSCOPE_COMPILE_CACHE: open });
    expect(r.cache).toBe('unavailable');
    const notDir = join(work, 'file');
    writeFileSync(notDir, 'x');
    expect(launch(bundle(ID), { HOOKSCOPE_COMPILE_CACHE: notDir }).cache).toBe('unavailable');
    expect(runs).toHaveLength(3);
  });

  it("clears other builds' caches untouched for two weeks when it writes one, and keeps recent ones", () => {
    const dir = join(work, 'cache');
    launch(bundle(ID), { HOOKSCOPE_COMPILE_CACHE: dir });
    const old = join(dir, 'cli-aaaaaaaaaaaaaaaa-node18.0.0-x64.v8cache');
    const recent = join(dir, 'cli-bbbbbbbbbbbbbbbb-node18.0.0-x64.v8cache');
    const unrelated = join(dir, 'notes.txt');
    for (const f of [old, recent, unrelated]) writeFileSync(f, 'x');
    const weeksAgo = (Date.now() - 15 * 24 * 3600 * 1000) / 1000;
    utimesSync(old, weeksAgo, weeksAgo);
    utimesSync(unrelated, weeksAgo, weeksAgo);
    launch(bundle('fedcba9876543210', 'b'), { HOOKSCOPE_COMPILE_CACHE: dir });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
  });
});

describe('cache location', () => {
  it('defaults to a per-user directory under the temporary directory; HOOKSCOPE_COMPILE_CACHE moves it', () => {
    const uid = process.getuid?.();
    expect(cacheDirectory({})).toBe(join(tmpdir(), `hookscope-compile-cache${uid === undefined ? '' : `-${uid}`}`));
    expect(cacheDirectory({ HOOKSCOPE_COMPILE_CACHE: '/somewhere' })).toBe('/somewhere');
    expect(cacheDirectory({ HOOKSCOPE_DISABLE_COMPILE_CACHE: '0' })).toBe(cacheDirectory({}));
    expect(cacheDirectory({ HOOKSCOPE_DISABLE_COMPILE_CACHE: 'yes' })).toBeUndefined();
  });

  it('names the file after the build id only when the first line carries one', () => {
    expect(cacheFileFor(`// hookscope-build ${ID}\nx`, '/c')).toBe(`/c/cli-${ID}-node${process.versions.node}-${process.arch}.v8cache`);
    expect(cacheFileFor(`x\n// hookscope-build ${ID}\n`, '/c')).toBeUndefined();
    expect(cacheFileFor('// hookscope-build ../../etc\nx', '/c')).toBeUndefined();
  });

  it.skipIf(process.platform === 'win32')('makes the directory owner-only', () => {
    const dir = join(work, 'a', 'b');
    expect(safeDirectory(dir)).toBe(true);
    expect(statSync(dir).mode & 0o077).toBe(0);
  });
});
