// The shipped binary with its code cache: the first run writes it, later runs use it, and a
// damaged cache changes nothing a user sees.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hookscope-cache-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the code cache of bin/hookscope.js', () => {
  it('is written by the first run; cached, damaged and disabled runs print the same', async () => {
    const cache = join(dir, 'cache');
    const env = { HOOKSCOPE_COMPILE_CACHE: cache };
    const args = ['validate', 'fixtures/relyable', 'fixtures/synthflow', '--format', 'json'];
    const cold = await runCli(args, { env });
    expect(cold.code).toBe(0);
    const files = readdirSync(cache);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^cli-[0-9a-f]{16}-node.*\.v8cache$/);
    const warm = await runCli(args, { env });
    writeFileSync(join(cache, files[0]!), 'garbage');
    const damaged = await runCli(args, { env });
    const off = await runCli(args, { env: { HOOKSCOPE_DISABLE_COMPILE_CACHE: '1', HOOKSCOPE_COMPILE_CACHE: join(dir, 'never') } });
    for (const r of [warm, damaged, off]) expect(r).toEqual(cold);
    expect(JSON.parse(cold.stdout).summary.valid).toBeGreaterThan(0);
    expect(readdirSync(dir)).not.toContain('never');
    // An error path through the cached bundle: still a clean message and exit 2.
    const bad = await runCli(['validate', join(dir, 'missing.json')], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
