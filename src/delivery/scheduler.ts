// The replay scheduler: one independent timeline per event, as at the vendor. Each timeline
// makes its attempts at planned offsets from its first attempt and stops at the first success;
// a shared FIFO limit bounds requests in flight, so first deliveries keep input order. Time
// comes from an injected clock, so tests run whole ladders without waiting. An abort signal
// (Ctrl-C) ends every wait at once and starts no further attempt.

import { FifoLimit } from './fifo-limit.js';

export interface Clock {
  now(): number;
  /** Resolves after `ms`; with `signal`, may resolve early on abort (and must free its timer). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * How long before a planned time the real clock stops sleeping on a timer and keeps the event
 * loop turning instead. A process (or a virtual CPU) that has slept for seconds can take several
 * milliseconds to wake on a timer; one that is already running answers at once. Costs one busy
 * core for this long before each wake-up, which replay's waits (seconds to hours) easily afford.
 */
export const WAKE_EARLY_MS = 20;

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const due = performance.now() + ms;
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // setImmediate lets I/O (responses of other attempts) through between checks.
      const turn = () => (performance.now() >= due || signal?.aborted ? done() : setImmediate(turn));
      // An hour's wait must not keep a stopped run alive: the timer goes with the abort.
      signal?.addEventListener('abort', done, { once: true });
      if (ms > WAKE_EARLY_MS) timer = setTimeout(turn, Math.floor(ms - WAKE_EARLY_MS));
      else turn();
    }),
};

/** `clock.sleep(ms)`, ended early by an abort whatever the clock does with the signal. */
function sleepUnlessAborted(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return clock.sleep(ms);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    clock.sleep(ms, signal).then(done, done);
  });
}

export interface AttemptRecord<R> {
  /** 1-based. */
  attempt: number;
  of: number;
  /** Planned and actual offsets from this event's first attempt, in ms of (compressed) time. */
  plannedMs: number;
  actualMs: number;
  /** When the attempt started, from the start of the whole run. */
  atMs: number;
  result: R;
}

export interface TimelineResult<E, R> {
  item: E;
  attempts: AttemptRecord<R>[];
  succeeded: boolean;
  /** Stopped by the abort signal before its schedule ended. */
  interrupted?: boolean;
}

export interface RunOptions<E, R extends { success: boolean; final?: boolean }> {
  clock?: Clock;
  /** Requests in flight at once across all timelines. */
  concurrency: number;
  attempt(item: E, index: number): Promise<R>;
  onAttempt?(item: E, record: AttemptRecord<R>): void;
  /** A timeline starts waiting `waitMs` for its next attempt. */
  onWait?(item: E, nextAttempt: number, waitMs: number): void;
  /** Aborted: no wait goes on and no attempt starts (the one in flight is the attempt's to stop). */
  signal?: AbortSignal;
}

/** `offsets[i]`: when attempt i+1 is planned, from the first attempt (already time-compressed). */
export async function runTimelines<E, R extends { success: boolean; final?: boolean }>(
  timelines: readonly { item: E; offsets: readonly number[] }[],
  options: RunOptions<E, R>,
): Promise<TimelineResult<E, R>[]> {
  const clock = options.clock ?? realClock;
  const limit = new FifoLimit(Math.max(1, options.concurrency));
  const runStart = clock.now();
  const { signal } = options;

  const runOne = async ({ item, offsets }: { item: E; offsets: readonly number[] }): Promise<TimelineResult<E, R>> => {
    const attempts: AttemptRecord<R>[] = [];
    const stopped = () => ({ item, attempts, succeeded: false, interrupted: true });
    let origin = 0;
    for (let i = 0; i < offsets.length; i++) {
      if (signal?.aborted) return stopped();
      if (i > 0) {
        const target = origin + offsets[i]!;
        let wait = target - clock.now();
        if (wait > 0) options.onWait?.(item, i + 1, wait);
        // Never early: sleep again if a timer woke us before the planned time.
        for (; wait > 0 && !signal?.aborted; wait = target - clock.now()) await sleepUnlessAborted(clock, wait, signal);
        if (signal?.aborted) return stopped();
      }
      await limit.acquire();
      if (signal?.aborted) {
        limit.release();
        return stopped();
      }
      const started = clock.now();
      if (i === 0) origin = started;
      let result: R;
      try {
        result = await options.attempt(item, i);
      } finally {
        limit.release();
      }
      const record: AttemptRecord<R> = { attempt: i + 1, of: offsets.length, plannedMs: offsets[i]!, actualMs: started - origin, atMs: started - runStart, result };
      attempts.push(record);
      options.onAttempt?.(item, record);
      if (result.success) return { item, attempts, succeeded: true };
      // A failure the vendor does not retry ends the timeline.
      if (result.final) return { item, attempts, succeeded: false };
      if (signal?.aborted && i < offsets.length - 1) return stopped();
    }
    return { item, attempts, succeeded: false };
  };

  // Started in input order: their first acquire() calls queue in that order.
  return Promise.all(timelines.map(runOne));
}
