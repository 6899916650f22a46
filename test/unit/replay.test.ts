// The replay scheduler and command with an injected clock (no real waiting) and msw as the
// receiver: exact attempt offsets for every vendor preset and for --schedule, stop on success
// by the vendor's rule, --max-attempts, independent timelines, input order, --speed.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { afterAll, describe, expect, it } from 'vitest';
import { replay, type ReplayReport } from '../../src/commands/replay.js';
import { realClock, runTimelines, WAKE_EARLY_MS } from '../../src/delivery/scheduler.js';
import { formatDuration, parseDuration, parseSchedule, plannedOffsets } from '../../src/delivery/schedule.js';
import { renderReplay } from '../../src/reporters/replay.js';
import { makeChalk } from '../../src/ui/terminal.js';
import { judgeStatus } from '../../src/delivery/judge.js';
import { closeHttp, deliver } from '../../src/http/client.js';
import { vendors } from '../../src/vendors/index.js';
import { startServer } from '../helpers/server.js';
import { ROOT } from '../helpers/cli.js';
import { MswDispatcher } from '../helpers/msw-dispatcher.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

const URL_ = 'http://receiver.test/hooks';
const fixture = (vendor: string, event: string) => `${ROOT}fixtures/${vendor}/${event}.json`;

/** A receiver that answers each request with the next status of its event's script (last repeats). */
function scripted(script: Record<string, number[]>) {
  const seen: Record<string, number> = {};
  return new MswDispatcher([
    http.post(URL_, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      const message = body.message as { type?: string } | undefined;
      const key = String(body.event ?? message?.type ?? (body.call ? 'post_call' : 'unknown'));
      const list = script[key] ?? [200];
      const n = (seen[key] = (seen[key] ?? 0) + 1);
      return new HttpResponse(null, { status: list[Math.min(n, list.length) - 1] });
    }),
  ]);
}

async function run(paths: string[], script: Record<string, number[]>, extra: Partial<Parameters<typeof replay>[0]> = {}): Promise<ReplayReport> {
  const clock = new VirtualClock();
  return clock.run(replay({ paths, url: URL_, env: {}, clock, dispatcher: scripted(script), ...extra }));
}

const offsetsOf = (report: ReplayReport, i = 0) => report.events[i]!.attempts.map((a) => a.actualMs);

describe('the real clock', () => {
  // Only the lower bound is asserted: how late a timer is depends on the machine.
  it.each([
    ['a short wait (turns the loop only)', 3],
    ['a long wait (a timer, then turns of the loop)', WAKE_EARLY_MS + 15],
  ])('%s never ends early', async (_, ms) => {
    const started = performance.now();
    await realClock.sleep(ms);
    expect(performance.now() - started).toBeGreaterThanOrEqual(ms);
  });

  it('lets I/O and other callbacks run while it waits out the last stretch', async () => {
    // The last stretch turns the event loop (setImmediate): callbacks queued beside it run
    // before it ends, however slow the machine (a 1 ms interval was at the mercy of the load).
    let ran = 0;
    const again = () => {
      ran++;
      if (ran < 3) setImmediate(again);
    };
    setImmediate(again);
    await realClock.sleep(WAKE_EARLY_MS - 1);
    expect(ran).toBeGreaterThanOrEqual(3);
  });
});

describe('schedules', () => {
  it('parses durations and lists', () => {
    expect(parseSchedule('0,30s,2m')).toEqual([0, 30_000, 120_000]);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1h')).toBe(3_600_000);
    for (const bad of ['', '0,,1s', '5', 'soon', '-1s', '5s,1m']) expect(() => parseSchedule(bad)).toThrow();
  });

  it('offsets are the running sum of the delays after the first', () => {
    expect(plannedOffsets([0, 60_000, 300_000, 900_000, 3_600_000])).toEqual([0, 60_000, 360_000, 1_260_000, 4_860_000]);
    expect(formatDuration(4_860_000)).toBe('1 h 21 min');
  });
});

describe('replay with a virtual clock', () => {
  it('relyable: a receiver that never answers 200 gets the whole documented ladder', async () => {
    const report = await run([fixture('relyable', 'test_run.completed')], { 'test_run.completed': [500] });
    expect(offsetsOf(report)).toEqual([0, 60_000, 360_000, 1_260_000, 4_860_000]);
    expect(report.events[0]!.succeeded).toBe(false);
    expect(report.exitCode).toBe(1);
  });

  it('relyable: a 201 is retried, a 200 stops', async () => {
    const report = await run([fixture('relyable', 'test_run.completed')], { 'test_run.completed': [201, 201, 200] });
    expect(report.events[0]!.attempts.map((a) => a.result.status)).toEqual([201, 201, 200]);
    expect(offsetsOf(report)).toEqual([0, 60_000, 360_000]);
    expect(report.exitCode).toBe(0);
  });

  it.each([
    ['smallest', 'call.end', 'documented'],
    ['smallest', 'post-conversation', 'documented'],
    ['bluejay', 'simulation_ended', 'assumed'],
    ['synthflow', 'post_call', 'assumed'],
    ['vapi', 'end-of-call-report', 'documented'],
  ])('%s %s: one attempt (%s)', async (vendor, event, provenance) => {
    const report = await run([fixture(vendor, event)], { [event]: [500] });
    expect(offsetsOf(report)).toEqual([0]);
    expect(report.events[0]!.schedule.provenance).toBe(provenance);
  });

  it('vapi --backoff exponential: the configured plan, base × 2^(n-1), the assumption named', async () => {
    const report = await run([fixture('vapi', 'end-of-call-report')], { 'end-of-call-report': [500] }, { backoff: 'exponential', maxRetries: 3, baseDelay: 2 });
    expect(offsetsOf(report)).toEqual([0, 2_000, 6_000, 14_000]);
    expect(report.events[0]!.schedule).toMatchObject({ delaysMs: [0, 2_000, 4_000, 8_000], provenance: 'override' });
    expect(report.events[0]!.schedule.note).toContain("--backoff exponential --max-retries 3 --base-delay 2: vapi's server.backoffPlan (Vapi does not document the exponential formula");
  });

  it('vapi --backoff fixed stops at the first 2xx; an excluded status is not retried', async () => {
    const fixed = await run([fixture('vapi', 'end-of-call-report')], { 'end-of-call-report': [503, 503, 204] }, { backoff: 'fixed', maxRetries: 5, baseDelay: 1 });
    expect(offsetsOf(fixed)).toEqual([0, 1_000, 2_000]);
    expect(fixed.exitCode).toBe(0);
    const excluded = await run([fixture('vapi', 'end-of-call-report')], { 'end-of-call-report': [404] }, { backoff: 'fixed', maxRetries: 5, baseDelay: 1, excludedStatuses: [400, 404] });
    expect(offsetsOf(excluded)).toEqual([0]);
    expect(excluded.events[0]!.attempts[0]!.result.failure?.message).toContain('404 is an excluded status of the retry plan: not retried');
  });

  it.each([
    [{ backoff: 'fixed' }, 'relyable', "--backoff: relyable has no configurable retry plan"],
    [{ backoff: 'linear' }, 'vapi', '--backoff: "linear" is not a kind of server.backoffPlan (kinds: fixed, exponential)'],
    [{ backoff: 'fixed', maxRetries: 11 }, 'vapi', '--backoff: --max-retries 11: server.backoffPlan allows 0 to 10'],
    [{ maxRetries: 3 }, 'vapi', '--max-retries needs --backoff'],
    [{ backoff: 'fixed', schedule: '0,1s' }, 'vapi', '--schedule and --backoff both set the retries'],
  ])('%j for %s is a usage error', async (extra, vendor, message) => {
    const file = vendor === 'vapi' ? fixture('vapi', 'end-of-call-report') : fixture('relyable', 'test_run.completed');
    await expect(run([file], {}, extra)).rejects.toThrow(message);
  });

  it('an assumed schedule is flagged in the output', async () => {
    const report = await run([fixture('bluejay', 'simulation_ended')], {});
    expect(renderReplay(report, makeChalk(false))).toContain('ASSUMPTION: bluejay documents no retry schedule; set --schedule');
  });

  it('--schedule replaces the vendor ladder; --max-attempts caps it', async () => {
    const custom = await run([fixture('smallest', 'call.end')], { 'call.end': [503] }, { schedule: '0,30s,2m' });
    expect(offsetsOf(custom)).toEqual([0, 30_000, 150_000]);
    expect(custom.events[0]!.schedule.provenance).toBe('override');
    const capped = await run([fixture('relyable', 'test_run.failed')], { 'test_run.failed': [500] }, { maxAttempts: 2 });
    expect(offsetsOf(capped)).toEqual([0, 60_000]);
  });

  it('--speed divides the waits; max removes them', async () => {
    const fast = await run([fixture('relyable', 'test_run.failed')], { 'test_run.failed': [500] }, { speed: 60 });
    expect(offsetsOf(fast)).toEqual([0, 1000, 6000, 21_000, 81_000]);
    expect(fast.events[0]!.attempts.map((a) => a.plannedMs)).toEqual([0, 60_000, 360_000, 1_260_000, 4_860_000]);
    const max = await run([fixture('relyable', 'test_run.failed')], { 'test_run.failed': [500] }, { speed: 'max' });
    expect(offsetsOf(max)).toEqual([0, 0, 0, 0, 0]);
  });

  it("events are independent timelines: B is delivered at once while A waits for its retries", async () => {
    const report = await run([fixture('relyable', 'test_run.completed'), fixture('relyable', 'test_run.failed')], { 'test_run.completed': [500, 500, 200], 'test_run.failed': [200] });
    const [a, b] = report.events;
    expect(a!.attempts.map((x) => x.atMs)).toEqual([0, 60_000, 360_000]);
    expect(b!.attempts.map((x) => x.atMs)).toEqual([0]);
  });

  it('first deliveries keep input order under --concurrency 1', async () => {
    const order: number[] = [];
    const clock = new VirtualClock();
    await clock.run(
      runTimelines(
        [3, 1, 2].map((id) => ({ item: id, offsets: [0, 10] })),
        {
          clock,
          concurrency: 1,
          attempt: async (id, i) => {
            if (i === 0) order.push(id);
            await new Promise((r) => setImmediate(r));
            return { success: false };
          },
        },
      ),
    );
    expect(order).toEqual([3, 1, 2]);
  });
});

describe('the last attempt', () => {
  it('does not say that the vendor would retry; the ones before it do', async () => {
    const report = await run([fixture('relyable', 'test_run.completed')], { 'test_run.completed': [500] });
    const messages = report.events[0]!.attempts.map((a) => a.result.failure!.message);
    expect(messages.slice(0, -1).every((m) => m.endsWith('and would retry'))).toBe(true);
    expect(messages.at(-1)).toBe('relyable counts 500 as a failed delivery (success is exactly 200)');
    // send judges one delivery of a ladder: the vendor would retry it.
    expect(judgeStatus(vendors.find((v) => v.id === 'relyable')!, 500).reason).toContain('and would retry');
  });
});

describe('inputs: passed over, filtered, fresh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookscope-replay-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bodyOf = (vendor: string, event: string) => JSON.parse(readFileSync(fixture(vendor, event), 'utf8')) as Record<string, any>;
  const record = (id: number, body: unknown, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ kind: 'hookscope.request', version: 1, id, time: '2026-01-01T00:00:00Z', method: 'POST', path: '/in', headers, body: JSON.stringify(body), bodyEncoding: 'utf8', ...extra });

  it('a reply fixture (fixtures/synthflow) is passed over with why; --strict stops before sending', async () => {
    const report = await run([`${ROOT}fixtures/synthflow`], {});
    expect(report.events.map((e) => e.item.event)).toEqual(['call_inbound', 'post_call']);
    expect(report.passedOver).toEqual([`${ROOT}fixtures/synthflow/call_inbound.reply.json: a synthflow call_inbound reply (what a receiver answers), not something a vendor sends`]);
    await expect(run([`${ROOT}fixtures/synthflow`], {}, { strict: true })).rejects.toThrow(/cannot replay 1 input \(--strict\); nothing was sent:\n {2}.*call_inbound\.reply\.json: a synthflow call_inbound reply/);
  });

  it('a logged 413 (body not kept) and a broken line are passed over by file:line; nothing left is an error', async () => {
    const log = join(dir, 'mixed.log');
    writeFileSync(log, `${record(1, bodyOf('relyable', 'test_run.failed'))}\n${record(2, '', {}, { body: '', bodyOmitted: 'too-large', bodyBytes: 99 })}\n{"broken"\n`);
    const report = await run([log], {});
    expect(report.events).toHaveLength(1);
    expect(report.passedOver).toEqual([`${log}:2: the body was not recorded: too large (99 bytes, over the limit of listen --max-body, answered 413)`, expect.stringMatching(new RegExp(`^${log}:3: not JSON`))]);
    const nothing = join(dir, 'nothing.ndjson');
    writeFileSync(nothing, '{"broken"\n{"also":"unknown"}\n');
    await expect(run([nothing], {})).rejects.toThrow(`nothing to replay in ${nothing}: 2 inputs cannot be replayed:`);
  });

  it('--event and --id choose what is delivered', async () => {
    const log = join(dir, 'three.ndjson');
    const failed = bodyOf('relyable', 'test_run.failed');
    const ended = bodyOf('smallest', 'call.end');
    writeFileSync(log, [record(7, bodyOf('relyable', 'test_run.completed')), record(8, failed), record(9, ended)].join('\n'));
    const events = (r: ReplayReport) => r.events.map((e) => e.item.event);
    expect(events(await run([log], {}, { event: ['test_run.failed', 'call.end'] }))).toEqual(['test_run.failed', 'call.end']);
    expect(events(await run([log], {}, { id: ['9'] }))).toEqual(['call.end']);
    const key = vendors.find((v) => v.id === 'relyable')!.delivery.dedupeKey.key(failed)!;
    expect(events(await run([log], {}, { id: [key] }))).toEqual(['test_run.failed']);
    expect(events(await run([log], {}, { id: [`relyable:${key}`] }))).toEqual(['test_run.failed']);
    // Both flags must match.
    await expect(run([log], {}, { id: ['9'], event: ['test_run.failed'] })).rejects.toThrow('nothing to replay: none of the 3 payloads');
    await expect(run([log], {}, { event: ['test_run.faild'] })).rejects.toMatchObject({ message: '--event "test_run.faild": no vendor has such an event', hint: expect.stringMatching(/^did you mean test_run.failed\? events: /) });
  });

  it('--fresh: new per-delivery values, signed over the bytes sent; a recorded signature it makes stale is said', async () => {
    const now = new Date('2030-05-06T07:08:09.123Z');
    const fresh = { now: () => now, random: (n: number) => Buffer.alloc(n, 0xab) };
    const secret = 'replay-fresh-secret-0123';
    const wire = scripted({});
    const signedFixture = await run([fixture('relyable', 'test_run.completed')], {}, { fresh: true, freshContext: fresh, secret: [secret], dispatcher: wire });
    const item = signedFixture.events[0]!.item;
    expect(JSON.parse(item.body.toString()).timestamp).toBe('2030-05-06T07:08:09Z');
    expect(item.freshened).toEqual(['timestamp']);
    // Signed at the attempt, over the bytes sent.
    expect(wire.seen.at(-1)!.headers['x-relyable-signature']).toBe(createHmac('sha256', secret).update(item.body).digest('hex'));

    const log = join(dir, 'signed.ndjson');
    writeFileSync(log, `${record(1, bodyOf('relyable', 'test_run.failed'), { 'x-relyable-signature': 'f'.repeat(64) })}\n${record(2, bodyOf('smallest', 'post-conversation'))}\n`);
    const notes: string[] = [];
    const stale = await run([log], {}, { fresh: true, freshContext: fresh, onLoaded: (l) => notes.push(...l.notes) });
    expect(stale.events.map((e) => e.item.signing)).toEqual(['stale', 'recorded']);
    expect(JSON.parse(stale.events[1]!.item.body.toString()).id).toBe('ab'.repeat(12));
    expect(notes).toEqual(["--fresh changed 1 recorded request that carry the vendor's signature: without --secret, the recorded signature no longer matches the body (give --secret to re-sign)"]);
    const wire2 = scripted({});
    const resigned = await run([log], {}, { fresh: true, freshContext: fresh, secret: [`relyable=${secret}`], dispatcher: wire2 });
    const first = resigned.events[0]!.item;
    expect(first.signing).toBe('re-signed');
    // The recorded signature is gone; the one sent is made over the refreshed bytes.
    expect(first.headers.filter(([n]) => n === 'x-relyable-signature')).toEqual([]);
    const sent = wire2.seen.find((r) => JSON.parse(r.body.toString()).event === 'test_run.failed')!;
    expect(sent.headers['x-relyable-signature']).toBe(createHmac('sha256', secret).update(first.body).digest('hex'));
  });

  it('HOOKSCOPE_URL is the default --url, and a host:port without a scheme is http://', async () => {
    const clock = new VirtualClock();
    const report = await clock.run(replay({ paths: [fixture('bluejay', 'simulation_ended')], env: { HOOKSCOPE_URL: 'receiver.test/hooks' }, clock, dispatcher: scripted({}) }));
    expect(report.url).toBe('http://receiver.test/hooks');
    expect(report.events[0]!.succeeded).toBe(true);
    await expect(replay({ paths: [fixture('bluejay', 'simulation_ended')], env: { HOOKSCOPE_URL: 'ftp://x' } })).rejects.toThrow('HOOKSCOPE_URL must be http:// or https://');
    await expect(replay({ paths: [fixture('bluejay', 'simulation_ended')], env: {} })).rejects.toThrow('missing --url');
  });
});

describe('stopping (Ctrl-C)', () => {
  it('the scheduler ends every wait at once and starts nothing more', async () => {
    const stop = new AbortController();
    const clock = new VirtualClock();
    const results = await clock.run(
      runTimelines(
        [1, 2].map((id) => ({ item: id, offsets: [0, 60_000, 120_000] })),
        {
          clock,
          concurrency: 4,
          signal: stop.signal,
          attempt: async (id, i) => {
            if (id === 2 && i === 1) stop.abort();
            return { success: false };
          },
        },
      ),
    );
    expect(results.map((r) => [r.item, r.attempts.length, r.interrupted])).toEqual([
      [1, 2, true],
      [2, 2, true],
    ]);
    expect(clock.now()).toBe(60_000);
  });

  it("the real clock's wait ends on abort and leaves no timer behind", async () => {
    const stop = new AbortController();
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const started = performance.now();
    const waiting = realClock.sleep(3_600_000, stop.signal);
    expect(timers()).toBe(before + 1);
    stop.abort();
    await waiting;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(timers()).toBe(before);
  });

  it('a stopped replay reports what was done, marked interrupted', async () => {
    const stop = new AbortController();
    // Stopped between requests: the msw bridge (test/helpers) never settles a request aborted in
    // flight, as undici would; the next test aborts one in flight on a real socket.
    const report = await run([fixture('relyable', 'test_run.completed'), fixture('relyable', 'test_run.failed')], { 'test_run.completed': [500], 'test_run.failed': [500] }, {
      signal: stop.signal,
      concurrency: 1,
      onAttempt: (item) => item.index === 1 && stop.abort(new Error('interrupted (Ctrl-C)')),
    });
    expect(report.interrupted).toBe('interrupted (Ctrl-C)');
    expect(report.events.map((e) => [e.attempts.length, e.interrupted])).toEqual([
      [1, true],
      [1, true],
    ]);
    const text = renderReplay(report, makeChalk(false));
    expect(text).toContain('  interrupted after 1 attempt of 5');
    expect(text).toContain('2 events: 0 delivered, 0 failed, 2 interrupted');
    expect(text).toContain('interrupted (Ctrl-C): stopped before the end; nothing more was sent');
  });

  it('deliver aborts a request in flight: a failure of its own kind, at once', async () => {
    const server = await startServer(() => {
      // Never answers.
    });
    try {
      const stop = new AbortController();
      const started = performance.now();
      const pending = deliver({ method: 'POST', url: server.url, headers: [], body: Buffer.from('{}') }, { timeoutMs: 30_000, signal: stop.signal });
      while (server.received.length === 0) await new Promise((r) => setTimeout(r, 5));
      stop.abort(new Error('interrupted (Ctrl-C)'));
      const outcome = await pending;
      expect(outcome).toMatchObject({ ok: false, failure: { kind: 'aborted', message: 'interrupted (Ctrl-C): no answer awaited' } });
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      await closeHttp();
      await server.close();
    }
  });
});

describe('the timeline on a terminal', () => {
  it('leaves out the attempts when they were shown as they happened', async () => {
    const report = await run([fixture('relyable', 'test_run.completed')], { 'test_run.completed': [500, 200] });
    const full = renderReplay(report, makeChalk(false));
    const short = renderReplay(report, makeChalk(false), { attempts: false });
    expect(full).toMatch(/✗ #1 .*\n {2}✓ #2 /);
    expect(short).not.toContain('#1');
    expect(short).toContain('relyable test_run.completed');
    expect(short).toContain('delivered on attempt 2');
  });
});
