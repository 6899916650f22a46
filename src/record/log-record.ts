// The record `listen` appends to its NDJSON log, one per request. `validate` and `replay`
// read the same records, so the shape lives here, once.

import type { Inspection } from './inspect.js';

export const LOG_RECORD_KIND = 'hookscope.request';

export interface LogRecord {
  kind: typeof LOG_RECORD_KIND;
  version: 1;
  time: string;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  /** The body exactly as received: UTF-8 text, or base64 when it was not valid UTF-8. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  [more: string]: unknown;
}

/** What `listen` adds to each record: its verdicts and the answer it gave. */
export interface ListenRecord extends LogRecord, Inspection {
  id: number;
  bodyBytes: number;
  /**
   * Set when the body was not kept, and the record's body is empty: larger than --max-body
   * (`too-large`, answered 413), or more bodies in flight than listen holds at once
   * (`over-budget`, answered 503 with Retry-After, so the sender delivers it again).
   */
  bodyOmitted?: 'too-large' | 'over-budget';
  /** A GET or HEAD without a body (tunnels and uptime checks send them): not a payload. */
  probe?: true;
  /** --redact: personal data in the body, summary and issues is masked; the body is not the bytes received. */
  redacted?: true;
  response: { status: number; by: 'listener' | 'forward'; delayMs?: number; rule?: string };
  forward?: ForwardRecord;
}

/** What the app behind --forward-to answered (its body up to 1 MiB, encoded as request bodies are). */
export interface ForwardRecord {
  url: string;
  status?: number;
  latencyMs: number;
  error?: string;
  body?: string;
  bodyEncoding?: 'utf8' | 'base64';
  /** The whole answer's size; more than the body holds when `truncated`. */
  bodyBytes?: number;
  truncated?: boolean;
  /** The app's answer judged by the vendor's rules: its status, a request/response event's contract, its latency against the deadline. */
  verdict?: {
    accepted: boolean;
    reason: string;
    reply?: { valid: boolean; issues: import('../schema/issues.js').Issue[]; explanation?: string };
    deadline?: { state: 'ok' | 'warn' | 'late'; message: string; deadlineMs: number };
  };
}

/**
 * A body as a record holds it: UTF-8 text, or base64 when it is not valid UTF-8 or is mostly
 * control characters (JSON escapes each as \u00XX, six bytes for one: base64 is smaller).
 */
export function encodeBody(body: Buffer, text: string | null): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  if (text === null || controlHeavy(body)) return { body: body.toString('base64'), bodyEncoding: 'base64' };
  return { body: text, bodyEncoding: 'utf8' };
}

/** More than one byte in 16 is a C0 control other than tab, LF and CR, or DEL. */
function controlHeavy(body: Buffer): boolean {
  const limit = body.length >>> 4;
  let controls = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) {
      if (++controls > limit) return true;
    }
  }
  return false;
}

export function isLogRecord(value: unknown): value is LogRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.kind === LOG_RECORD_KIND && typeof v.body === 'string' && (v.bodyEncoding === 'utf8' || v.bodyEncoding === 'base64');
}

export function logRecordBody(record: LogRecord): Buffer {
  return Buffer.from(record.body, record.bodyEncoding === 'base64' ? 'base64' : 'utf8');
}
