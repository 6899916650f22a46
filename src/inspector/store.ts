// What the inspector holds: the entries of the current log (read once at start) and every request
// listen reports after, plus the replays sent from the page, in arrival order, within a memory
// budget (the oldest go first). Subscribers (the SSE streams) hear of new entries in batches.
import { readFileSync } from 'node:fs';
import { CallTracker } from '../listen/calls.js';
import { isLogRecord, type ListenRecord } from '../record/log-record.js';
import { vendors as registry } from '../vendors/index.js';
import { recordOf, rowOf, type Entry, type StoredRecord } from './rows.js';
import type { CallView, Row } from './types.js';

/** Bytes of records (as JSON lines) kept in memory; beyond it the oldest entries are dropped. */
export const DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_ENTRIES = 200_000;

export type Subscriber = (entries: readonly Entry[]) => void;

export class Store {
  /** entries[head + i].seq === first + i; dropped entries before `head` are compacted away now and then. */
  private entries: Entry[] = [];
  private head = 0;
  private first = 1;
  private bytes = 0;
  dropped = 0;
  private readonly subscribers = new Set<Subscriber>();
  private calls = new CallTracker(registry);
  /** Entries up to this seq are in `calls`. */
  private callsUpTo = 0;

  constructor(private readonly budget = { bytes: DEFAULT_BUDGET_BYTES, entries: DEFAULT_MAX_ENTRIES }) {}

  /** Read a log's existing records (the history the page starts with). Lines that are not records are skipped. */
  loadLog(path: string): number {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      return 0;
    }
    let loaded = 0;
    for (let start = 0; start < bytes.length; ) {
      let end = bytes.indexOf(0x0a, start);
      if (end === -1) end = bytes.length;
      // Each line decoded on its own: a slice of one string of the whole log would keep all of it alive.
      const line = bytes.toString('utf8', start, end);
      start = end + 1;
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      if (isLogRecord(value) && typeof (value as Partial<ListenRecord>).signature === 'object') {
        this.push(value as ListenRecord, line);
        loaded++;
      }
    }
    return loaded;
  }

  /** Add a batch (listen's records with their log lines, or a replay) and tell the subscribers. `line`, when given, is the record's JSON. */
  add(batch: readonly { record: StoredRecord; line?: string }[]): Entry[] {
    const added = batch.map(({ record, line }) => this.push(record, line ?? JSON.stringify(record)));
    if (this.subscribers.size) for (const s of this.subscribers) s(added);
    return added;
  }

  private push(record: StoredRecord, line: string): Entry {
    const seq = this.last + 1;
    const entry: Entry = { seq, line, bytes: line.length, row: rowOf(seq, record) };
    this.entries.push(entry);
    this.bytes += entry.bytes;
    while (this.size > 1 && (this.bytes > this.budget.bytes || this.size > this.budget.entries)) {
      const old = this.entries[this.head]!;
      this.entries[this.head++] = undefined as unknown as Entry;
      this.bytes -= old.bytes;
      this.first++;
      this.dropped++;
    }
    // Compact when most of the array is dropped slots: shifting one at a time would be quadratic.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return entry;
  }

  private get size(): number {
    return this.entries.length - this.head;
  }

  get(seq: number): Entry | undefined {
    if (!Number.isInteger(seq) || seq < this.first) return undefined;
    return this.entries[this.head + seq - this.first];
  }

  /** Entries after `seq`, oldest first. */
  after(seq: number): Entry[] {
    return this.entries.slice(this.head + Math.max(0, seq + 1 - this.first));
  }

  get last(): number {
    return this.first + this.size - 1;
  }

  subscribe(s: Subscriber): () => void {
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }

  /** Entries that replay `seq`. */
  replaysOf(seq: number): number[] {
    const out: number[] = [];
    for (let i = this.head; i < this.entries.length; i++) if (this.entries[i]!.row.replayOf === seq) out.push(this.entries[i]!.seq);
    return out;
  }

  /** Every call seen, with its events by seq and what is missing or out of order (src/listen/calls.ts). */
  callViews(): CallView[] {
    // The tracker is fed lazily: listen's throughput does not pay for a view nobody opened.
    if (this.callsUpTo < this.first - 1) {
      this.calls = new CallTracker(registry);
      this.callsUpTo = this.first - 1;
    }
    for (const entry of this.after(this.callsUpTo)) {
      // Only requests with a call id are in a call; only they are parsed again (for their step).
      const row = entry.row;
      if (row.replayOf === undefined && row.callId) {
        this.calls.add({ id: entry.seq, time: row.time, vendor: row.vendor, event: row.event, callId: row.callId, callStep: recordOf(entry).callStep });
      }
      this.callsUpTo = entry.seq;
    }
    return this.calls.all().map((call) => ({
      vendor: call.vendor,
      callId: call.callId,
      ended: call.ended,
      outOfOrder: call.outOfOrder,
      missing: this.calls.missing(call),
      events: call.events.map((e) => ({ seq: e.id, time: e.time, event: e.event, step: e.step })),
    }));
  }

  /**
   * The rows that pass `filter`, oldest first: all of them, or those with a seq above `after` and
   * below `before`; with `limit`, the newest `limit` of them (and whether older ones that pass were
   * left out).
   */
  rows(filter: (e: Entry) => boolean, page: { after?: number; before?: number; limit?: number } = {}): { rows: Row[]; more: boolean } {
    const index = (seq: number) => this.head + Math.max(0, Math.min(this.size, seq - this.first));
    const end = page.before === undefined ? this.entries.length : index(page.before);
    const start = page.after === undefined ? this.head : index(page.after + 1);
    const limit = page.limit ?? Infinity;
    const out: Row[] = [];
    let i = end - 1;
    for (; i >= start && out.length < limit; i--) if (filter(this.entries[i]!)) out.push(this.entries[i]!.row);
    let more = false;
    for (; i >= start && !more; i--) more = filter(this.entries[i]!);
    return { rows: out.reverse(), more };
  }
}
