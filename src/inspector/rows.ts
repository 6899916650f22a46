// A stored entry as a list row, and the list filters (vendor, event, verdicts, status, call id,
// free text over the body). Pure: the server filters the list and each SSE client's stream with
// these, so the page and the API agree on what a filter means.
import type { ListenRecord } from '../record/log-record.js';
import { FILTER_KEYS, type Filter, type Row } from './types.js';

/** A record as the inspector holds it: listen's, or a replay sent from the page (linked to its original). */
export type StoredRecord = ListenRecord & { replayOf?: number; replayTo?: string; edited?: boolean };

/**
 * What the inspector keeps per request: the record as its JSON line (the log's line), and its list
 * row. A line is one string, which the garbage collector does not walk, where a record is some
 * thirty objects: listen keeps tens of thousands of these while it takes requests at full speed.
 * The record is parsed again when a view needs more than the row (detail, diff, replay, calls).
 */
export interface Entry {
  seq: number;
  line: string;
  /** The line's length: what the memory budget counts. */
  bytes: number;
  row: Row;
}

export const recordOf = (entry: Entry): StoredRecord => JSON.parse(entry.line) as StoredRecord;

/** The list row of a record. */
export function rowOf(seq: number, r: StoredRecord): Row {
  const row: Row = { seq, time: r.time, method: r.method, path: r.path, sig: r.signature?.state ?? 'not-checked', schema: r.schema?.state ?? 'not-json', status: r.response?.status ?? 0 };
  if (r.replayOf === undefined) row.id = r.id;
  if (r.vendor) row.vendor = r.vendor;
  if (r.event) row.event = r.event;
  if (r.callId) row.callId = r.callId;
  if (r.duplicate) row.attempt = r.duplicate.attempt;
  if (r.forward) {
    row.latencyMs = r.forward.latencyMs;
    if (r.forward.verdict) row.accepted = r.forward.verdict.accepted;
  }
  if (r.summary) row.summary = r.summary;
  if (r.replayOf !== undefined) {
    row.replayOf = r.replayOf;
    if (r.edited) row.edited = true;
  }
  return row;
}

/** The filter in a query string; empty values are no filter. */
export function parseFilter(params: URLSearchParams): Filter {
  const filter: Filter = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filter[key] = value.slice(0, 500);
  }
  return filter;
}

export const isEmptyFilter = (filter: Filter): boolean => FILTER_KEYS.every((k) => filter[k] === undefined);

/** Whether an entry passes every field of the filter. */
export function matches(entry: Entry, filter: Filter): boolean {
  const row = entry.row;
  if (filter.vendor && row.vendor !== filter.vendor) return false;
  if (filter.event && row.event !== filter.event) return false;
  if (filter.sig && row.sig !== filter.sig) return false;
  if (filter.schema && row.schema !== filter.schema) return false;
  if (filter.status && !statusMatches(row.status, filter.status)) return false;
  if (filter.call && row.callId !== filter.call) return false;
  if (filter.q && !textMatches(entry, filter.q.toLowerCase())) return false;
  return true;
}

/** `500` is that status; `5xx` (or `5`) is the class. */
export function statusMatches(status: number, wanted: string): boolean {
  const w = wanted.toLowerCase();
  const cls = /^([1-5])(xx)?$/.exec(w);
  if (cls) return Math.floor(status / 100) === Number(cls[1]);
  return String(status) === w;
}

/** Characters JSON escapes in a string (and lone surrogates): a needle with one may be written differently in the line. */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

function textMatches(entry: Entry, needle: string): boolean {
  const row = entry.row;
  if (row.path.toLowerCase().includes(needle)) return true;
  if (row.summary?.toLowerCase().includes(needle)) return true;
  // The line holds the body as a JSON string, in which only the characters ESCAPED matches are
  // written differently: a needle without them that is not in the line is not in the body. Only
  // the lines that may match are parsed.
  if (!ESCAPED.test(needle) && !entry.line.toLowerCase().includes(needle)) return false;
  const r = recordOf(entry);
  // Base64 bodies are not text: nothing to search in them.
  return r.bodyEncoding === 'utf8' && r.body.toLowerCase().includes(needle);
}
