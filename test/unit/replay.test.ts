// The replay scheduler and command with an injected clock (no real waiting) and msw as the
// receiver: exact attempt offsets for every vendor preset and for --schedule, stop on success
// by the vendor's rule, --max-attempts, independent timelines, input order, --speed.
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { replay, type ReplayReport } from '../../src/commands/replay.js';
import { realClock, runTimelines, WAKE_EARLY_MS } from '../../src/delivery/scheduler.js';
import { formatDuration, parseDuration, parseSchedule, plannedOffsets } from '../../src/delivery/schedule.js';
import { renderReplay } from '../../src/reporters/replay.js';
import { makeChalk } from '../../src/ui/terminal.js';
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
      const key = String(body.event ?? (body.call ? 'post_call' : 'unknown'));
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
    let ran = 0;
    const ticker = setInterval(() => ran++, 1);
    await realClock.sleep(10);
    clearInterval(ticker);
    expect(ran).toBeGreaterThan(0);
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
  ])('%s %s: one attempt (%s)', async (vendor, event, provenance) => {
    const report = await run([fixture(vendor, event)], { [event]: [500] });
    expect(offsetsOf(report)).toEqual([0]);
    expect(report.events[0]!.schedule.provenance).toBe(provenance);
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
