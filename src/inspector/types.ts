// The inspector's API shapes, shared by the server (src/inspector/*.ts) and the page
// (src/inspector/ui/*.tsx). Types only: no Node or DOM here.

/** One line of the request list: what a row shows, small enough to send 10,000 of at once. */
export interface Row {
  /** The inspector's own number for the entry (listen's ids restart with every run). */
  seq: number;
  /** listen's id for the request (absent for a replay the inspector sent). */
  id?: number;
  time: string;
  method: string;
  path: string;
  vendor?: string;
  event?: string;
  callId?: string;
  sig: string;
  schema: string;
  /** Delivery attempt by the vendor's dedupe key (2 = the first retry seen). */
  attempt?: number;
  status: number;
  latencyMs?: number;
  /** The app's answer judged by the vendor's rules (forwarded requests and replays). */
  accepted?: boolean;
  summary?: string;
  /** For a replay sent from the inspector: the entry it replays, and whether it was edited. */
  replayOf?: number;
  edited?: boolean;
}

/** What the list can be filtered by; every field is optional and they combine with AND. */
export interface Filter {
  vendor?: string;
  event?: string;
  /** Signature state: valid, invalid, unsigned, no-secret, not-checked. */
  sig?: string;
  /** Schema state: valid, invalid, drift, not-json, undetected, probe. */
  schema?: string;
  /** A status (`500`) or a class (`5xx`). */
  status?: string;
  call?: string;
  /** Free text, case-insensitive, over the path, summary and body. */
  q?: string;
}

export const FILTER_KEYS = ['vendor', 'event', 'sig', 'schema', 'status', 'call', 'q'] as const;

/**
 * The newest rows a page starts with (a screenful and more): index.html carries them, the older
 * ones come after in one request.
 */
export const FIRST_PAGE = 300;

export interface ListResponse {
  rows: Row[];
  /** Highest seq the store holds (the stream continues after it). */
  last: number;
  /** Entries dropped from memory (oldest first) to stay within the inspector's budget. */
  dropped: number;
  /** With `limit`: whether older rows that pass the filter were left out (ask again with `before` = the first row's seq). */
  more?: boolean;
}

export interface FactView {
  name: string;
  value: string;
  provenance: string;
  note: string;
}

export interface DetailResponse {
  row: Row;
  /** The full record as listen logged it (plus `replayOf`/`replayTo` for replays). */
  record: Record<string, unknown> & {
    headers: Record<string, string | string[]>;
    body: string;
    bodyEncoding: 'utf8' | 'base64';
    signature: { state: string; reason?: string; header?: string; diagnosis?: string; url?: string; urlFrom?: string; mode?: string };
    schema: { state: string; issues: IssueView[]; omittedIssues?: number };
    response: { status: number; by: string; delayMs?: number; rule?: string };
    forward?: {
      url: string;
      status?: number;
      latencyMs: number;
      error?: string;
      body?: string;
      bodyEncoding?: 'utf8' | 'base64';
      truncated?: boolean;
      verdict?: { accepted: boolean; reason: string; reply?: { valid: boolean; issues: IssueView[]; explanation?: string }; deadline?: { state: string; message: string; deadlineMs: number } };
    };
  };
  /** The signing scheme the vendor uses for this event, fact by fact with provenance. */
  scheme?: { kind: string; facts: FactView[] };
  /** The vendor's deadline for an answer, with provenance. */
  deadline?: { ms: number; hard: boolean; provenance: string; note: string };
  /** Paths the vendor makes anew per delivery (from the catalog). */
  fresh: string[];
  curl: string;
  /** Set when the curl would be refused: the recorded signature is older than the vendor's timestamp window now. */
  curlNote?: CurlNote;
  /** Entries that replay this one. */
  replays: number[];
  /** Whether a replay can be re-signed (a secret is configured for the vendor). */
  canSign: boolean;
  forwardTo?: string;
}

/** Why copy-as-curl would be refused by the vendor's receiver: the signature's timestamp is past the window. */
export interface CurlNote {
  /** One sentence for the page: when it was signed, how old that is, the window, and what to do instead. */
  text: string;
  /** When the request says it was signed (ISO-8601). */
  signedAt: string;
  /** Its age when the detail was fetched, and the vendor's window (from the catalog). */
  ageMs: number;
  windowMs: number;
  /** The window's provenance (documented, seen, assumed). */
  provenance: string;
}

export interface IssueView {
  code: string;
  severity: string;
  message: string;
  path?: string;
  line?: number;
  column?: number;
}

export type DiffKind = 'added' | 'removed' | 'changed';

export interface DiffEntry {
  path: string;
  kind: DiffKind;
  a?: unknown;
  b?: unknown;
  /** A field made anew for every delivery (a timestamp, an id): expected to differ. */
  perDelivery: boolean;
}

export interface DiffResponse {
  a: { label: string; seq?: number };
  b: { label: string; seq?: number };
  /** True when the two bodies are equal as JSON (key order ignored). */
  same: boolean;
  body: DiffEntry[];
  headers: DiffEntry[];
  /** Set when a side is not JSON: compared as text. */
  note?: string;
}

export interface CallView {
  vendor: string;
  callId: string;
  ended: boolean;
  outOfOrder: string[];
  missing: string[];
  events: { seq: number; time: string; event: string; step: string }[];
}

export interface ReplayRequest {
  /** Where to send it; default: listen's --forward-to target (with the request's path). */
  url?: string;
  /** Edited body (UTF-8 text); default: the recorded bytes. */
  body?: string;
  /** Edited headers; default: the recorded ones (connection headers dropped). */
  headers?: [string, string][];
  /** Check an edited body against the event's schema before sending (default true). */
  validate?: boolean;
}

export interface ReplayResponse {
  /** The new entry (absent when nothing was sent). */
  seq?: number;
  row?: Row;
  error?: string;
  issues?: IssueView[];
  notes: string[];
}
