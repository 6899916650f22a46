// How often an inspector stream (GET /api/stream) writes: as soon as it is idle, at most every
// STREAM_GAP_MS; once a second in a flood. Pure (the clock is passed in), so it is unit-tested.

/**
 * A stream writes at most once per this many ms: a row that finds the stream idle goes out a
 * millisecond later; rows that come faster wait for the rest of the gap and go out
 * together (at 200 requests/s a row waits 15 ms at most; the page's budget is 100 ms).
 */
export const STREAM_GAP_MS = 15;
/**
 * More than this many rows a second, over at least a quarter of a second, is a flood (faster than
 * anyone reads): the stream then writes once a second. Each write costs the page a render of
 * ~30-40 ms in headless Chromium, whatever the rows in it, so this spares the browser most of its
 * CPU while listen is busiest. A burst at webhook rates is no flood: a call's events within 100 ms
 * are tens of rows, not 250.
 */
export const FLOOD_ROWS_PER_S = 1000;
export const FLOOD_WINDOW_MS = 250;
export const FLOOD_GAP_MS = 1000;

export class StreamPace {
  /** The wait between two writes. */
  gap = STREAM_GAP_MS;
  /**
   * Rows that arrived since `windowStart`; at the first write at least FLOOD_WINDOW_MS later
   * their rate decides the gap. Arrivals, not writes: in a flood one write spans a window.
   */
  private windowStart = Number.NEGATIVE_INFINITY;
  private arrived = 0;
  /** When the last write was. */
  private last = Number.NEGATIVE_INFINITY;

  arrive(rows: number): void {
    this.arrived += rows;
  }

  /** A write at `now` (ms, any monotonic clock). */
  wrote(now: number): void {
    this.last = now;
    const elapsed = now - this.windowStart;
    if (elapsed >= FLOOD_WINDOW_MS) {
      this.gap = this.arrived > (FLOOD_ROWS_PER_S * elapsed) / 1000 ? FLOOD_GAP_MS : STREAM_GAP_MS;
      this.windowStart = now;
      this.arrived = 0;
    }
  }

  /** How long from `now` until the next write may go out. */
  wait(now: number): number {
    return Math.max(0, this.last + this.gap - now);
  }
}
