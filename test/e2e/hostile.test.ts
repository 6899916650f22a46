// No body up to --max-body (10 MB) may cost more than linear time and memory in its size
// (issue #13: a 120 KB body of keys repeated at every level held `listen` for 18 s and 3.3 GB).
//
// Each crafted shape (test/helpers/hostile-shapes.js) is validated at 1 MB and 10 MB, each run in
// a process of its own (test/helpers/hostile-child.js) that reports its CPU time and peak RSS,
// beside a process that only JSON.parses the same bytes. No fixed time limits: linear work costs
// about 10× for 10× the bytes and the quadratic bug cost 100× or more, so the bounds are ratios,
// generous enough for a loaded CI machine, and a ceiling on memory proportional to the size.
// Then the built `hookscope listen` gets the 1 MB body of the issue, answers it and the next
// request, and stays up; and `hookscope validate` reads a 10 MB one from stdin.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { allFixtures } from '../helpers/fixtures.js';
import { MB, SHAPE_NAMES, SHAPES } from '../helpers/hostile-shapes.js';
import { startListen, type RunningListener } from '../helpers/listen.js';

const CHILD = fileURLToPath(new URL('../helpers/hostile-child.js', import.meta.url));

interface Measure {
  bytes: number;
  cpuMs: number;
  maxRssKb: number;
  issues?: number;
  omitted?: number;
  chars?: number;
}

/** One child process: its report, or a rejection when it fails or runs past `limitMs` (killed). */
function measure(shape: string, bytes: number, mode: 'validate' | 'parse', limitMs: number): Promise<Measure> {
  return new Promise((resolve, reject) => {
    // A 4 GB heap, the default on large machines: a blow-up fails here as it would in `listen`.
    const child = spawn(process.execPath, ['--max-old-space-size=4096', CHILD, shape, String(bytes), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${mode} of ${shape} at ${bytes} bytes ran for more than ${limitMs} ms (killed)`));
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as Measure);
      else reject(new Error(`${mode} of ${shape} at ${bytes} bytes failed (${code ?? signal}):\n${err.slice(-2000)}`));
    });
  });
}

/** Milliseconds of slack in the CPU-time bounds, for runs too short to compare by ratio alone. */
const SLACK_MS = 250;

describe('validation of crafted bodies is linear in their size', () => {
  it.concurrent.each(SHAPE_NAMES.map((name) => [name, SHAPES[name]!.what] as const))('%s: %s', async (name) => {
    const small = { parse: await measure(name, MB, 'parse', 60_000), validate: await measure(name, MB, 'validate', 60_000) };
    const large = { parse: await measure(name, 10 * MB, 'parse', 120_000), validate: await measure(name, 10 * MB, 'validate', 120_000) };
    const report = `${name}: validate ${small.validate.cpuMs.toFixed(0)} → ${large.validate.cpuMs.toFixed(0)} ms CPU, JSON.parse ${small.parse.cpuMs.toFixed(0)} → ${large.parse.cpuMs.toFixed(0)} ms; peak RSS ${(large.validate.maxRssKb / 1024).toFixed(0)} MB (JSON.parse alone ${(large.parse.maxRssKb / 1024).toFixed(0)} MB)`;
    // Ten times the bytes: about ten times the time. The quadratic scan took 100× and more.
    expect(large.validate.cpuMs, report).toBeLessThan(30 * small.validate.cpuMs + SLACK_MS);
    // Against JSON.parse of the same bytes: the slowest shape (a vendor refinement over 600,000
    // keys) is ~15×; the rest are under 8×.
    expect(large.validate.cpuMs, report).toBeLessThan(40 * large.parse.cpuMs + SLACK_MS);
    // Memory above what JSON.parse itself takes: a fixed base plus 50 bytes per byte of body.
    // (The most, ~45, is V8 letting garbage pile up under a vendor refinement that allocates per
    // key; the scan of a body nested millions deep keeps ~25.) The quadratic bug ran out of a
    // 4 GB heap at 360 KB.
    const extraBytes = (large.validate.maxRssKb - large.parse.maxRssKb) * 1024;
    expect(extraBytes, report).toBeLessThan(128 * MB + 50 * large.validate.bytes);
    // What a result holds is bounded too: at most 100 issues, each a few hundred characters.
    expect(large.validate.issues!).toBeLessThanOrEqual(100);
    expect(large.validate.chars!).toBeLessThan(100 * 1200);
  }, 400_000);
});

/** The listener's --json records once there are `n` (they are printed before the answer leaves). */
async function recordsOf(listener: RunningListener, n: number): Promise<Record<string, any>[]> {
  const deadline = performance.now() + 10_000;
  // Whole lines only: a 1 MB record arrives in pieces.
  const complete = () => listener.stdout().split('\n').length - 1;
  while (complete() < n && performance.now() < deadline) {
    await new Promise((resolve) => {
      listener.child.stdout.once('data', resolve);
      setTimeout(resolve, 200);
    });
  }
  return listener.records();
}

describe('the built binary on the body of issue #13', () => {
  const issueBody = (bytes: number) => SHAPES['duplicate-key-every-level']!.make(bytes);
  let listener: RunningListener;
  beforeAll(async () => {
    listener = await startListen(['--json', '--no-log']);
  });
  afterAll(() => listener.stop());

  it('listen answers a 1 MB body of keys repeated at every level, then the next request, and stays up', async () => {
    const started = performance.now();
    const res = await request(`${listener.url}/hook`, { method: 'POST', body: issueBody(MB), headers: { 'content-type': 'application/json' }, headersTimeout: 30_000, bodyTimeout: 30_000 });
    await res.body.text();
    const crafted = performance.now() - started;
    expect(res.statusCode).toBe(200);
    // Before the fix: hours (100 KB took 28 s, and the cost grew with the square of the size).
    expect(crafted).toBeLessThan(15_000);

    const fixture = allFixtures().find((f) => f.vendor === 'relyable' && f.part === 'request')!;
    const next = await request(`${listener.url}/hook`, { method: 'POST', body: fixture.text, headers: { 'content-type': 'application/json' } });
    await next.body.text();
    expect(next.statusCode).toBe(200);
    expect(listener.child.exitCode).toBeNull();

    const records = await recordsOf(listener, 2);
    const [hostile, ordinary] = records;
    expect(hostile!.schema.state).toBe('undetected');
    expect(hostile!.schema.issues.length).toBeLessThanOrEqual(10);
    expect(JSON.stringify(hostile!.schema.issues).length).toBeLessThan(10 * 1200);
    expect(ordinary!.event).toBe(fixture.event);
  }, 60_000);

  it('validate reads a 10 MB one from stdin and reports at most 100 issues of it', async () => {
    const r = await runCli(['validate', '--format', 'json', '-'], { input: issueBody(10 * MB) });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { results: { valid: boolean; issues: unknown[] }[] };
    expect(out.results).toHaveLength(1);
    expect(out.results[0]!.valid).toBe(false);
    expect(out.results[0]!.issues).toHaveLength(100);
  }, 120_000);
});
