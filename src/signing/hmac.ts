// HMAC signing schemes as data: which parts make the signed message (the raw body, a field, the
// timestamp, the URL and form parameters…), how the secret becomes the key, where the signature
// and timestamp go, and the timestamp's window. `hmacScheme` turns such a spec into a pure
// sign/verify pair; a failed check is explained by src/signing/diagnose.ts. Nothing here throws.
import type { Fact } from '../vendors/types.js';
import { diagnose } from './diagnose.js';
import { DIGEST_BYTES, digest, equalBytes, keyBytes, newMessageId, type Algorithm, type KeyForm } from './primitives.js';
import type { HeaderBag, SignatureVerdict, SigningScheme, Tolerance, VerifyInput } from './types.js';

/** A piece of the signed message. */
export type Part =
  /** The body bytes exactly as sent. */
  | 'body'
  /** JSON.stringify of the parsed body: what a receiver that re-serialises computes. */
  | 'compact-body'
  | 'timestamp'
  | 'id'
  | 'url'
  /** Form parameters sorted by name, each written name + value (URL-decoded), Twilio's way. */
  | 'form-params'
  /** One string field of the JSON body (Synthflow signs only call.call_id). */
  | { field: string }
  | { literal: string };

export type Placement =
  /** The signature alone in a header (with an optional prefix such as `sha256=`); timestamp and id in headers of their own. */
  | { kind: 'single'; header: string; prefix?: string; timestampHeader?: string; idHeader?: string }
  /** `t=<ts>,v0=<sig>` in one header (keys and order as given: timestamp first). */
  | { kind: 'pairs'; header: string; timestampKey: string; signatureKey: string }
  /** Standard Webhooks: `v1,<sig>` entries separated by spaces; id and timestamp in headers of their own. */
  | { kind: 'list'; header: string; version: string; idHeader: string; timestampHeader: string };

export interface HmacSpec {
  kind?: string;
  /** The signature header's name and where it comes from. */
  header: Fact<string>;
  alsoAccepted?: string[];
  placement: Placement;
  format: Fact<string>;
  algorithm: Fact<Algorithm>;
  encoding: Fact<'hex' | 'base64'>;
  key: Fact<KeyForm>;
  /** The messages a receiver may sign, each a list of parts; verify accepts any. */
  messages: Part[][];
  /** Which of `messages` a sender signs (default 0; falls back to the first that can be made). */
  signWith?: number;
  signedBytes: Fact<string>;
  timestamp?: Fact<Tolerance>;
  caveat?: string;
}

/** What a message is made from, for one request. */
export interface MessageContext {
  body: Uint8Array;
  timestamp?: string;
  id?: string;
  url?: string;
}

const enc = (s: string) => Buffer.from(s, 'utf8');

/** The bytes of a message, or undefined when this body does not have what it needs. */
export function messageBytes(parts: readonly Part[], ctx: MessageContext): Buffer | undefined {
  const out: Buffer[] = [];
  for (const part of parts) {
    if (part === 'body') out.push(Buffer.from(ctx.body.buffer, ctx.body.byteOffset, ctx.body.byteLength));
    else if (part === 'compact-body') {
      const parsed = parseJson(ctx.body);
      if (parsed === NOT_JSON) return undefined;
      out.push(enc(JSON.stringify(parsed)));
    } else if (part === 'timestamp') {
      if (ctx.timestamp === undefined) return undefined;
      out.push(enc(ctx.timestamp));
    } else if (part === 'id') {
      if (ctx.id === undefined) return undefined;
      out.push(enc(ctx.id));
    } else if (part === 'url') {
      if (ctx.url === undefined) return undefined;
      out.push(enc(ctx.url));
    } else if (part === 'form-params') {
      out.push(enc(sortedFormParams(ctx.body)));
    } else if ('field' in part) {
      const value = fieldOf(parseJson(ctx.body), part.field);
      if (typeof value !== 'string' || value === '') return undefined;
      out.push(enc(value));
    } else {
      out.push(enc(part.literal));
    }
  }
  return Buffer.concat(out);
}

const NOT_JSON = Symbol('not JSON');

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}

function fieldOf(value: unknown, path: string): unknown {
  let cur = value;
  for (const seg of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/**
 * Form parameters as Twilio signs them: sorted by name (byte order), each name followed by its
 * value, URL-decoded; a name given several times contributes each value, sorted.
 */
export function sortedFormParams(body: Uint8Array): string {
  const params = new URLSearchParams(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  const byName = new Map<string, string[]>();
  for (const [name, value] of params) {
    const list = byName.get(name);
    if (list) list.push(value);
    else byName.set(name, [value]);
  }
  let out = '';
  for (const name of [...byName.keys()].sort(byteOrder)) {
    for (const value of [...new Set(byName.get(name))].sort(byteOrder)) out += name + value;
  }
  return out;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The timestamp as the scheme writes it: whole seconds or milliseconds. */
export function timestampText(ms: number, tolerance: Tolerance | undefined): string | undefined {
  if (!tolerance) return undefined;
  return String(tolerance.unit === 's' ? Math.floor(ms / 1000) : Math.floor(ms));
}

/** A header's first value. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** What a request carries for a scheme: its signatures, timestamp and id, or what is missing. */
export interface Presented {
  signatures: string[];
  timestamp?: string;
  id?: string;
  /** The header the signature was found in. */
  header: string;
}

/** The first of the scheme's header names the request carries, and its value. */
function firstPresent(headers: HeaderBag, names: readonly string[]): readonly [string, string] | undefined {
  return names.map((n) => [n, headerValue(headers, n)] as const).find((pair): pair is readonly [string, string] => pair[1] !== undefined);
}

export function presented(placement: Placement, headers: HeaderBag, names: readonly string[]): Presented | { missing: string } | { malformed: string } {
  const found = firstPresent(headers, names);
  if (!found) return { missing: `no ${names[0]} header` };
  const [header, raw] = found;
  const value = raw.trim();
  if (placement.kind === 'single') {
    const timestamp = placement.timestampHeader ? headerValue(headers, placement.timestampHeader) : undefined;
    if (placement.timestampHeader && timestamp === undefined) return { missing: `no ${placement.timestampHeader} header` };
    const id = placement.idHeader ? headerValue(headers, placement.idHeader) : undefined;
    if (placement.idHeader && id === undefined) return { missing: `no ${placement.idHeader} header` };
    if (value === '') return { missing: `${header} is empty` };
    const prefix = placement.prefix;
    if (prefix && !value.startsWith(prefix)) return { malformed: `expected ${header} to start with ${JSON.stringify(prefix)}` };
    return { signatures: [prefix ? value.slice(prefix.length) : value], timestamp: timestamp?.trim(), id: id?.trim(), header };
  }
  if (placement.kind === 'pairs') {
    const { timestamp, signatures } = readPairs(value, placement);
    if (timestamp === undefined || signatures.length === 0) {
      return { malformed: `expected ${header}: ${placement.timestampKey}=<timestamp>,${placement.signatureKey}=<signature>, got ${JSON.stringify(preview(value))}` };
    }
    return { signatures, timestamp, header };
  }
  const id = headerValue(headers, placement.idHeader);
  const timestamp = headerValue(headers, placement.timestampHeader);
  if (id === undefined) return { missing: `no ${placement.idHeader} header` };
  if (timestamp === undefined) return { missing: `no ${placement.timestampHeader} header` };
  const signatures: string[] = [];
  for (const entry of value.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma > 0 && entry.slice(0, comma) === placement.version) signatures.push(entry.slice(comma + 1));
  }
  if (signatures.length === 0) return { malformed: `no ${placement.version},<signature> entry in ${header} (got ${JSON.stringify(preview(value))})` };
  return { signatures, timestamp: timestamp.trim(), id: id.trim(), header };
}

/** The first timestamp and every signature of a `t=…,v1=…` header. */
function readPairs(value: string, placement: Extract<Placement, { kind: 'pairs' }>): { timestamp?: string; signatures: string[] } {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const k = item.slice(0, eq).trim();
    const v = item.slice(eq + 1).trim();
    if (k === placement.timestampKey && timestamp === undefined) timestamp = v;
    else if (k === placement.signatureKey) signatures.push(v);
  }
  return { timestamp, signatures };
}

/**
 * The timestamp a request carries where `placement` puts it, as epoch ms; only the timestamp is
 * read (a request whose signature is malformed still says when it was signed).
 */
export function signedAtOf(placement: Placement, headers: HeaderBag, names: readonly string[], tolerance: Tolerance): number | undefined {
  let text: string | undefined;
  if (placement.kind === 'pairs') {
    const found = firstPresent(headers, names);
    text = found === undefined ? undefined : readPairs(found[1], placement).timestamp;
  } else if (placement.timestampHeader) {
    text = headerValue(headers, placement.timestampHeader)?.trim();
  }
  return text === undefined ? undefined : timestampMs(text, tolerance);
}

/** A timestamp's text as epoch ms in the scheme's unit; undefined when it is not a whole number. */
function timestampMs(text: string, tolerance: Tolerance): number | undefined {
  if (!/^\d{1,16}$/.test(text)) return undefined;
  return tolerance.unit === 's' ? Number(text) * 1000 : Number(text);
}

const preview = (s: string) => (s.length > 60 ? `${s.slice(0, 59)}…` : s);

/** Check a timestamp against the window; a verdict when it fails. */
export function checkWindow(text: string, tolerance: Tolerance, nowMs: number): SignatureVerdict | undefined {
  const ms = timestampMs(text, tolerance);
  if (ms === undefined) return { valid: false, reason: 'malformed', detail: `the timestamp ${JSON.stringify(preview(text))} is not a whole number of ${tolerance.unit === 's' ? 'seconds' : 'milliseconds'}` };
  const age = nowMs - ms;
  if (age > tolerance.pastMs) return { valid: false, reason: 'expired', detail: `the timestamp is ${duration(age)} old; the vendor's window is ${duration(tolerance.pastMs)}`, ageMs: age, windowMs: tolerance.pastMs };
  if (tolerance.futureMs !== undefined && -age > tolerance.futureMs) {
    return { valid: false, reason: 'future', detail: `the timestamp is ${duration(-age)} in the future; the vendor allows ${duration(tolerance.futureMs)}`, ageMs: age, windowMs: tolerance.futureMs };
  }
  return undefined;
}

/** When a timestamp fails its window but would fit it in the other unit: the sender's mistake, in words. */
export function unitMistake(text: string, tolerance: Tolerance, nowMs: number): string | undefined {
  if (!/^\d{1,16}$/.test(text)) return undefined;
  const other = tolerance.unit === 'ms' ? Number(text) * 1000 : Number(text) / 1000;
  if (Math.abs(nowMs - other) > tolerance.pastMs) return undefined;
  return tolerance.unit === 'ms' ? 'the timestamp is in seconds; the vendor uses milliseconds' : 'the timestamp is in milliseconds; the vendor uses seconds';
}

export function duration(ms: number): string {
  const s = Math.abs(ms) / 1000;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

/** Decode a presented signature, or say why it is not one. */
export function decodeSignature(value: string, encoding: 'hex' | 'base64', size: number): Buffer | string {
  if (encoding === 'hex') {
    const bytes = value.length === size * 2 ? Buffer.from(value, 'hex') : undefined;
    if (bytes?.length === size) return bytes;
    const asBase64 = /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === size;
    return `expected ${size * 2} hex characters, got ${value.length} character${value.length === 1 ? '' : 's'}${asBase64 ? ' (this looks like base64)' : ''}`;
  }
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : undefined;
  if (bytes?.length === size) return bytes;
  return `expected ${Math.ceil(size / 3) * 4} base64 characters, got ${value.length}${/^[0-9a-f]+$/i.test(value) && value.length === size * 2 ? ' (this looks like hex)' : ''}`;
}

/** Build a sign/verify pair from a spec. */
export function hmacScheme(spec: HmacSpec): SigningScheme {
  const { placement } = spec;
  const algorithm = spec.algorithm.value;
  const encoding = spec.encoding.value;
  const tolerance = spec.timestamp?.value;
  const names = [placement.header, ...(spec.alsoAccepted ?? [])];
  const headers = [placement.header, ...(placement.kind !== 'pairs' && placement.timestampHeader ? [placement.timestampHeader] : []), ...(placement.kind !== 'pairs' && placement.idHeader ? [placement.idHeader] : [])];
  const order = spec.signWith === undefined ? spec.messages : [spec.messages[spec.signWith]!, ...spec.messages.filter((_, i) => i !== spec.signWith)];

  const scheme: SigningScheme = {
    kind: spec.kind ?? 'hmac',
    headers: { value: headers, provenance: spec.header.provenance, note: spec.header.note, override: spec.header.override },
    alsoAccepted: spec.alsoAccepted,
    format: spec.format,
    algorithm: { value: `HMAC-${algorithm.toUpperCase()}`, provenance: spec.algorithm.provenance, note: spec.algorithm.note },
    encoding: spec.encoding,
    signedBytes: spec.signedBytes,
    key: { value: keyWords(spec.key.value), provenance: spec.key.provenance, note: spec.key.note },
    timestamp: spec.timestamp,
    ...(tolerance ? { signedAt: (h: HeaderBag) => signedAtOf(placement, h, names, tolerance) } : {}),
    signsUrl: spec.messages.some((m) => m.includes('url')),
    caveat: spec.caveat,
    secretProblem: (secret) => (keyBytes(secret, spec.key.value) ? undefined : `the secret is not in the form this scheme needs (${keyWords(spec.key.value)})`),
    sign(input) {
      try {
        const key = keyBytes(input.secret, spec.key.value);
        if (!key) return undefined;
        const ctx: MessageContext = { body: input.body, timestamp: timestampText(input.timestampMs, tolerance), id: input.id ?? newMessageId(), url: input.url };
        for (const parts of order) {
          const message = messageBytes(parts, ctx);
          if (message === undefined) continue;
          return { headers: place(placement, digest(algorithm, key, message).toString(encoding), ctx) };
        }
        return undefined;
      } catch {
        return undefined;
      }
    },
    verify(input) {
      try {
        return verify(spec, names, input);
      } catch (err) {
        return { valid: false, reason: 'malformed', detail: `could not check the signature: ${(err as Error).message}` };
      }
    },
  };
  return scheme;
}

function keyWords(form: KeyForm): string {
  switch (form) {
    case 'utf8':
      return 'the secret as text (UTF-8)';
    case 'whsec':
      return 'the base64 after the whsec_ prefix, decoded';
    case 'whsec-or-utf8':
      return 'the base64 after whsec_, decoded; a secret without the prefix is used as text';
  }
}

function place(placement: Placement, signature: string, ctx: MessageContext): Record<string, string> {
  if (placement.kind === 'pairs') return { [placement.header]: `${placement.timestampKey}=${ctx.timestamp ?? ''},${placement.signatureKey}=${signature}` };
  if (placement.kind === 'list') return { [placement.idHeader]: ctx.id!, [placement.timestampHeader]: ctx.timestamp!, [placement.header]: `${placement.version},${signature}` };
  const out: Record<string, string> = { [placement.header]: `${placement.prefix ?? ''}${signature}` };
  if (placement.timestampHeader && ctx.timestamp !== undefined) out[placement.timestampHeader] = ctx.timestamp;
  if (placement.idHeader && ctx.id !== undefined) out[placement.idHeader] = ctx.id;
  return out;
}

function verify(spec: HmacSpec, names: readonly string[], input: VerifyInput): SignatureVerdict {
  const got = presented(spec.placement, input.headers, names);
  if ('missing' in got) return { valid: false, reason: 'missing', detail: got.missing };
  if ('malformed' in got) return { valid: false, reason: 'malformed', detail: got.malformed };
  const key = keyBytes(input.secret, spec.key.value);
  if (!key) return { valid: false, reason: 'malformed', detail: `the secret is not in the form this scheme needs (${keyWords(spec.key.value)})` };
  if (spec.messages.some((m) => m.includes('url')) && input.url === undefined) {
    return { valid: false, reason: 'unknown-url', detail: 'this scheme signs the URL the vendor called; give it with --public-url (or a tunnel that sets X-Forwarded-Host)' };
  }
  const ctx: MessageContext = { body: input.body, timestamp: got.timestamp, id: got.id, url: input.url };
  // One HMAC per request is the cost of checking it; the digest's size comes from a table.
  const size = DIGEST_BYTES[spec.algorithm.value];
  let computable = false;
  let firstProblem: string | undefined;
  for (const parts of spec.messages) {
    const message = messageBytes(parts, ctx);
    if (message === undefined) continue;
    computable = true;
    const want = digest(spec.algorithm.value, key, message);
    for (const sig of got.signatures) {
      const bytes = decodeSignature(sig, spec.encoding.value, size);
      if (typeof bytes === 'string') {
        firstProblem ??= bytes;
        continue;
      }
      if (!equalBytes(bytes, want)) continue;
      // The same digest in upper-case hex passes only a looser check than the vendor's receivers make.
      if (spec.encoding.value === 'hex' && sig !== want.toString('hex')) {
        return { valid: false, reason: 'loose', detail: 'valid only if compared case-insensitively: the vendor sends lower-case hex, and receivers built to its docs compare the strings as they are' };
      }
      const window = spec.timestamp && got.timestamp !== undefined ? checkWindow(got.timestamp, spec.timestamp.value, input.nowMs) : undefined;
      if (window && !window.valid) {
        const unit = unitMistake(got.timestamp!, spec.timestamp!.value, input.nowMs);
        return { ...window, detail: `${window.detail} (the signature itself matches)`, ...(unit ? { diagnosis: unit } : {}) };
      }
      return { valid: true };
    }
  }
  if (!computable) return { valid: false, reason: 'unsignable', detail: `this body has nothing to sign: ${spec.signedBytes.value}` };
  const diagnosis = diagnose(spec, got, input, size);
  if (spec.timestamp && got.timestamp !== undefined) {
    const window = checkWindow(got.timestamp, spec.timestamp.value, input.nowMs);
    if (window && !window.valid) return diagnosis ? { ...window, diagnosis } : window;
  }
  if (firstProblem !== undefined && got.signatures.length === 1) return { valid: false, reason: 'malformed', detail: firstProblem, ...(diagnosis ? { diagnosis } : {}) };
  return {
    valid: false,
    reason: 'mismatch',
    detail: diagnosis ? `signature does not match: ${diagnosis}` : 'signature does not match: wrong secret, or the signed bytes changed',
    ...(diagnosis ? { diagnosis } : {}),
  };
}
