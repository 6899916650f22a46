// Reading back what `listen` logged (src/record/log-record.ts): a record's body as text, why it
// has none (listen did not keep it), and whether it is a payload at all. validate and replay ask.
import { isUtf8 } from 'node:buffer';
import type { LogRecord } from '../record/log-record.js';

/** What the record says beyond the base shape; read defensively, records come from files. */
type Loose = LogRecord & { bodyOmitted?: unknown; bodyBytes?: unknown; probe?: unknown; schema?: { issues?: { message?: unknown }[] } };

/**
 * A GET or HEAD without a body (tunnels and uptime checks send them): listen logs it, but it is
 * no webhook, so there is nothing to validate or replay.
 */
export function isProbeRecord(record: LogRecord): boolean {
  const r = record as Loose;
  return r.probe === true || ((record.method === 'GET' || record.method === 'HEAD') && record.body === '');
}

/** Why listen kept no body for this request, or undefined when it has its body. */
export function notRecordedReason(record: LogRecord): string | undefined {
  const r = record as Loose;
  if (r.bodyOmitted === undefined) return undefined;
  const bytes = typeof r.bodyBytes === 'number' ? `${r.bodyBytes} bytes` : 'size unknown';
  if (r.bodyOmitted === 'too-large') {
    // listen states its limit in the record's verdict: "body of N bytes is over the M-byte limit".
    const said = r.schema?.issues?.map((i) => String(i.message)).find((m) => /over the \d+-byte limit/.test(m));
    const limit = said?.match(/over the (\d+)-byte limit/)?.[1];
    return `too large (${bytes}, over the ${limit ? `${limit}-byte ` : ''}limit of listen --max-body, answered 413)`;
  }
  if (r.bodyOmitted === 'over-budget') return `listen held too many bodies at once (${bytes}; answered 503, so the sender delivers it again)`;
  return `${String(r.bodyOmitted)} (${bytes})`;
}

/** The recorded body as text, or why it is not text. */
export function recordedText(record: LogRecord): string | { code: 'binary' | 'not-utf8'; message: string } {
  if (record.bodyEncoding !== 'base64') return record.body;
  const bytes = Buffer.from(record.body, 'base64');
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { code: 'binary', message: `binary data, not JSON (NUL byte at offset ${nul})` };
  if (!isUtf8(bytes)) return { code: 'not-utf8', message: 'not valid UTF-8 text (JSON must be UTF-8)' };
  return bytes.toString('utf8');
}
