// How an inspector stream (GET /api/stream) paces itself: how often it writes, and when it sends a
// count of rows instead of the rows (a flood). Pure (the clock is passed in), so it is unit-tested.

/**
 * A stream writes at most once per this many ms: a row that finds the stream idle goes out a
 * millisecond later; rows that come faster wait for the rest of the gap and go out together (at
 * 200 requests/s a row waits 15 ms at most; the page's budget is 100 ms).
 */
export const STREAM_GAP_MS = 15;
/**
 * More than FLOOD_ROWS rows within the last FLOOD_WINDOW_MS (1,000 a second) is a flood: faster
 * than anyone reads a list. A burst at webhook rates is none: a call's events within 100 ms are
 * tens of rows.
 */
export const FLOOD_ROWS = 250;
export const FLOOD_WINDOW_MS = 250;
/**
 * In a flood a stream writes once a second, and only how many rows came (`event: held`): the page
 * holds its list still and fetches them (GET /api/requests?after=…) when it shows them, after the
 * flood or when asked. Rows sent as they come would cost the browser a render of every visible row
 * (every one is new) at 40-70 ms of CPU, and parsing each row from the event stream, taken from
 * listen while it is busiest; a count costs nothing.
 */
export const FLOOD_GAP_MS = 1000;
/** A stream never keeps more rows than this waiting (a page that stopped reading): past it they are counted, not kept. */
export const HELD_MAX = 1000;

export class StreamPace {
  /** Whether the last write found a flood. */
  flood = false;
  /** Rows by arrival time (ms), the last FLOOD_WINDOW_MS of them, and their sum. */
  private arrivals: { at: number; rows: number }[] = [];
  private recent = 0;
  /** When the last write was. */
  private last = Number.NEGATIVE_INFINITY;

  /** `rows` rows came at `now` (ms, any monotonic clock). */
  arrive(now: number, rows: number): void {
    if (rows === 0) return;
    this.forget(now);
    this.arrivals.push({ at: now, rows });
    this.recent += rows;
  }

  private forget(now: number): void {
    while (this.arrivals.length && this.arrivals[0]!.at <= now - FLOOD_WINDOW_MS) this.recent -= this.arrivals.shift()!.rows;
  }

  /** A write at `now`: whether it is in a flood (send the count, not the rows). */
  wrote(now: number): boolean {
    this.last = now;
    this.forget(now);
    this.flood = this.recent > FLOOD_ROWS;
    return this.flood;
  }

  /** The wait between two writes. */
  get gap(): number {
    return this.flood ? FLOOD_GAP_MS : STREAM_GAP_MS;
  }

  /** How long from `now` until the next write may go out. */
  wait(now: number): number {
    return Math.max(0, this.last + this.gap - now);
  }
}

/** The page shows the rows a flood held this long after the last `held` (a flood's stream writes once a second). */
export const HOLD_END_MS = 1500;
