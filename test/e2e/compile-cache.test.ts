// The shipped binary and Node's compile cache (module.enableCompileCache, Node 22.1 and later):
// the first run writes it, later runs use it, and a damaged or disabled cache changes nothing a
// user sees. On a Node without it, the binary runs the same and writes nothing.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hookscope-cache-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under a directory, recursively. */
function filesUnder(root: string): string[] {
  try {
    return readdirSync(root, { recursive: true, encoding: 'utf8' }).map((f) => join(root, f)).filter((f) => statSync(f).isFile());
  } catch {
    return [];
  }
}

const hasCompileCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

describe('bin/hookscope.js and the compile cache', () => {
  it(`${hasCompileCache ? 'is written by the first run' : 'is absent on this Node, and nothing is written'}; cached, damaged and disabled runs print the same`, async () => {
    // enableCompileCache() with no directory uses <os.tmpdir()>/node-compile-cache.
    const env = { TMPDIR: dir, NODE_COMPILE_CACHE: undefined as unknown as string };
    const cache = join(dir, 'node-compile-cache');
    const args = ['validate', 'fixtures/relyable', 'fixtures/synthflow', '--format', 'json'];
    const cold = await runCli(args, { env });
    expect(cold.code).toBe(0);
    const written = filesUnder(cache);
    if (hasCompileCache) expect(written.length).toBeGreaterThan(0);
    else expect(written).toEqual([]);
    const warm = await runCli(args, { env });
    for (const f of written) writeFileSync(f, 'garbage');
    const damaged = await runCli(args, { env });
    const off = await runCli(args, { env: { NODE_DISABLE_COMPILE_CACHE: '1', TMPDIR: join(dir, 'off') } });
    for (const r of [warm, damaged, off]) expect(r).toEqual(cold);
    expect(JSON.parse(cold.stdout).summary.valid).toBeGreaterThan(0);
    expect(filesUnder(join(dir, 'off'))).toEqual([]);
    // An error path through the cached modules: still a clean message and exit 2.
    const bad = await runCli(['validate', join(dir, 'missing.json')], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
