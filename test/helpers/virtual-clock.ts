// A clock for the replay scheduler in tests: time moves only when every timeline is waiting,
// straight to the earliest wake-up, so a 1 h 21 min ladder runs in milliseconds.
import type { Clock } from '../../src/delivery/scheduler.js';

export class VirtualClock implements Clock {
  private t = 0;
  private waiters: { at: number; resolve: () => void }[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ at: this.t + ms, resolve }));
  }

  /** Drive `work` to completion, advancing time whenever nothing else can run. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    work.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let idle = 0; idle < 10_000; idle++) {
      // Let promise chains (msw's async handlers included) run to their next wait.
      for (let i = 0; i < 10 && !settled; i++) await new Promise((r) => setImmediate(r));
      if (settled) return work;
      this.waiters.sort((a, b) => a.at - b.at);
      const next = this.waiters.shift();
      if (!next) continue;
      this.t = next.at;
      next.resolve();
    }
    throw new Error('VirtualClock: the work never finished');
  }
}
