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
  /** Set when the body was not kept (larger than --max-body): the record has an empty body. */
  bodyOmitted?: 'too-large';
  response: { status: number; by: 'listener' | 'forward'; delayMs?: number };
  forward?: { url: string; status?: number; latencyMs: number; error?: string; bodyPreview?: string };
}

export function isLogRecord(value: unknown): value is LogRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.kind === LOG_RECORD_KIND && typeof v.body === 'string' && (v.bodyEncoding === 'utf8' || v.bodyEncoding === 'base64');
}

export function logRecordBody(record: LogRecord): Buffer {
  return Buffer.from(record.body, record.bodyEncoding === 'base64' ? 'base64' : 'utf8');
}
