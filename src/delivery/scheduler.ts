// The replay scheduler: one independent timeline per event, as at the vendor. Each timeline
// makes its attempts at planned offsets from its first attempt and stops at the first success;
// a shared FIFO limit bounds requests in flight, so first deliveries keep input order. Time
// comes from an injected clock, so tests run whole ladders without waiting.

import { FifoLimit } from './fifo-limit.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
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
  sleep: (ms) =>
    new Promise((resolve) => {
      const due = performance.now() + ms;
      // setImmediate lets I/O (responses of other attempts) through between checks.
      const turn = () => (performance.now() >= due ? resolve() : setImmediate(turn));
      if (ms > WAKE_EARLY_MS) setTimeout(turn, Math.floor(ms - WAKE_EARLY_MS));
      else turn();
    }),
};

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
}

export interface RunOptions<E, R extends { success: boolean }> {
  clock?: Clock;
  /** Requests in flight at once across all timelines. */
  concurrency: number;
  attempt(item: E, index: number): Promise<R>;
  onAttempt?(item: E, record: AttemptRecord<R>): void;
  /** A timeline starts waiting `waitMs` for its next attempt. */
  onWait?(item: E, nextAttempt: number, waitMs: number): void;
}

/** `offsets[i]`: when attempt i+1 is planned, from the first attempt (already time-compressed). */
export async function runTimelines<E, R extends { success: boolean }>(
  timelines: readonly { item: E; offsets: readonly number[] }[],
  options: RunOptions<E, R>,
): Promise<TimelineResult<E, R>[]> {
  const clock = options.clock ?? realClock;
  const limit = new FifoLimit(Math.max(1, options.concurrency));
  const runStart = clock.now();

  const runOne = async ({ item, offsets }: { item: E; offsets: readonly number[] }): Promise<TimelineResult<E, R>> => {
    const attempts: AttemptRecord<R>[] = [];
    let origin = 0;
    for (let i = 0; i < offsets.length; i++) {
      if (i > 0) {
        const target = origin + offsets[i]!;
        let wait = target - clock.now();
        if (wait > 0) options.onWait?.(item, i + 1, wait);
        // Never early: sleep again if a timer woke us before the planned time.
        for (; wait > 0; wait = target - clock.now()) await clock.sleep(wait);
      }
      await limit.acquire();
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
    }
    return { item, attempts, succeeded: false };
  };

  // Started in input order: their first acquire() calls queue in that order.
  return Promise.all(timelines.map(runOne));
}
