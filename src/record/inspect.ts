// Judging one received request: which vendor and event, is the signature valid, does the body
// match the schema, is it a retry of something seen before, and the vendor's one-line summary.
// Pure apart from the dedupe memory it is handed: bytes and headers in, verdicts out.
import { isUtf8 } from 'node:buffer';
import { nodeCrypto } from '../signing/primitives.js';
import type { Issue } from '../schema/issues.js';
import { hasSignatureHeader, modeOf, schemeFor, signatureHeaderNames, unsignedNote, verifyRequest, type AuthChoice, type Choice } from '../signing/signature.js';
import { validateText } from '../schema/validate.js';
import { findEvent } from '../vendors/index.js';
import type { DedupeMemory } from './dedupe.js';
import type { VendorDefinition } from '../vendors/types.js';

export type SignatureState = 'valid' | 'invalid' | 'unsigned' | 'no-secret' | 'not-checked';
export type SchemaState = 'valid' | 'invalid' | 'drift' | 'not-json' | 'undetected' | 'probe';

export interface Inspection {
  vendor?: string;
  event?: string;
  part?: 'request' | 'reply';
  signature: {
    state: SignatureState;
    reason?: string;
    header?: string;
    /** The integrator mistake that reproduces the signature presented, when one does. */
    diagnosis?: string;
    /** A valid signature: how it was checked, when that is not the scheme's plain way (v1a ed25519, Svix's header names, a token in an old header). */
    detail?: string;
    /** For URL-signed schemes: the URL checked against, and where it came from. */
    url?: string;
    urlFrom?: string;
    /** The authentication mode checked (vendors with several): chosen with --auth, or the one the request carries. */
    mode?: string;
  };
  /** The first issues; `omittedIssues` counts the ones not kept. */
  schema: { state: SchemaState; issues: Issue[]; omittedIssues?: number };
  duplicate?: { key: string; attempt: number; firstSeen: string; sinceFirstMs: number };
  summary?: string;
  /** The call this request is about (vendors that have calls). */
  callId?: string;
  /** Its step in the call, when the vendor's call flow has steps finer than events. */
  callStep?: string;
}

export interface InspectContext {
  /** Secrets by vendor id. */
  secrets: ReadonlyMap<string, string>;
  /** Only this vendor (from --vendor or a --route). */
  vendor?: VendorDefinition;
  vendors: readonly VendorDefinition[];
  dedupe: DedupeMemory;
  now?: () => number;
  signatureHeader?: string;
  /**
   * The URL the vendor called, for URL-signed schemes, from the request's path and headers:
   * the one to check, and others to name when the check fails (a tunnel's host, the local address).
   */
  urlOf?(path: string, headers: Record<string, string | undefined>): { url: string; from: string; others: { url: string; label: string }[] };
  /** The request's path (and query), for urlOf. */
  path?: string;
  /** The authentication mode chosen with --auth (vendors with several). */
  auth?: AuthChoice;
}

/** How many issues a record keeps (the feed shows fewer). */
const KEEP_ISSUES = 10;
/** The longest summary a record keeps. */
const MAX_SUMMARY = 300;
/** Dedupe keys longer than this are remembered by their hash (a 10 MB call_id must not be kept 10,000 times). */
const MAX_KEY = 200;

/** The key itself when short, else its length and SHA-256: the same key, in bounded memory. */
export function boundedKey(key: string): string {
  if (key.length <= MAX_KEY) return key;
  return `${key.slice(0, 40)}…(${key.length} chars, sha256 ${nodeCrypto().createHash('sha256').update(key).digest('hex').slice(0, 32)})`;
}

/** `text`: the body decoded, when the caller has done it already; null when it is not UTF-8. */
export function inspect(body: Buffer, headers: Record<string, string | string[] | undefined>, ctx: InspectContext, text: string | null = decodeUtf8(body)): Inspection {
  const flat = flatHeaders(headers);
  if (text === null) {
    return { signature: signatureOf(ctx.vendor, body, flat, ctx), schema: { state: 'not-json', issues: [{ code: 'not-utf8', severity: 'error', message: 'the body is not UTF-8 text' }] } };
  }
  const checked = validateText(text, { vendor: ctx.vendor, headers: flat });
  const vendor = vendorWithId(ctx.vendors, checked.vendor) ?? ctx.vendor;
  const issues = checked.issues.length > KEEP_ISSUES ? checked.issues.slice(0, KEEP_ISSUES) : checked.issues;
  const omitted = checked.issues.length - issues.length + (checked.omittedIssues ?? 0);
  const result: Inspection = {
    vendor: vendor?.id,
    event: checked.event,
    part: checked.part,
    signature: signatureOf(vendor, body, flat, ctx, checked.event),
    schema: { state: schemaState(checked.valid, checked.event, checked.issues), issues, ...(omitted > 0 ? { omittedIssues: omitted } : {}) },
  };
  if (checked.body === undefined) result.schema.state = 'not-json';
  const event = vendor && findEvent(vendor, checked.event);
  if (vendor && event && checked.part === 'request') {
    try {
      const summary = event.summarize?.(checked.body);
      // Summaries quote values from the body: a line of the feed, not the body again.
      if (summary !== undefined) result.summary = summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 1)}…` : summary;
    } catch {
      // A summary is a nicety; a body odd enough to break one is already reported as invalid.
    }
    try {
      const callId = vendor.callId?.(checked.body);
      if (typeof callId === 'string' && callId !== '') result.callId = callId.length > MAX_KEY ? boundedKey(callId) : callId;
      const step = vendor.callFlow?.step?.(event.name, checked.body);
      if (step !== undefined && step !== event.name) result.callStep = step;
    } catch {
      // As for summaries: an odd body has no call id.
    }
    const key = vendor.delivery.dedupeKey.key(checked.body, flat);
    if (key !== undefined) result.duplicate = ctx.dedupe.see(`${vendor.id}:${boundedKey(key)}`, (ctx.now ?? Date.now)());
  }
  return result;
}

/** Headers as vendors read them (detection, dedupe keys): lower-case names, the first value of each. */
export function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const k in headers) {
    const v = headers[k];
    flat[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
  }
  return flat;
}

/** Loops, not find() with closures: the listener inspects every request. */
function vendorWithId(vendors: readonly VendorDefinition[], id: string | undefined): VendorDefinition | undefined {
  for (let i = 0; i < vendors.length; i++) if (vendors[i]!.id === id) return vendors[i];
  return undefined;
}

function schemaState(valid: boolean, event: string | undefined, issues: readonly Issue[]): SchemaState {
  if (issues.length > 0 && issues.some((i) => i.code === 'invalid-json' || i.code === 'empty' || i.code === 'not-an-object')) return 'not-json';
  if (!event) return 'undetected';
  if (!valid) return 'invalid';
  return issues.length ? 'drift' : 'valid';
}

function signatureOf(vendor: VendorDefinition | undefined, body: Buffer, headers: Record<string, string | undefined>, ctx: InspectContext, event?: string): Inspection['signature'] {
  if (!vendor) return { state: 'not-checked', reason: 'vendor unknown' };
  // A vendor with several authentication modes and none chosen: the one the request carries.
  const detected = !ctx.auth && vendor.authModes ? modeOf(vendor, headers) : undefined;
  const choice: Choice = { event, auth: ctx.auth ?? (detected ? { mode: detected.name } : undefined), headerOverride: ctx.signatureHeader };
  const scheme = schemeFor(vendor, choice);
  if (!scheme) return { state: 'unsigned', reason: unsignedNote(vendor, choice) };
  const mode = choice.auth ? { mode: choice.auth.mode } : {};
  const header = hasSignatureHeader(vendor, headers, choice);
  const secret = ctx.secrets.get(vendor.id);
  if (!secret) return header ? { state: 'no-secret', header, reason: `no secret for ${vendor.id}: signature present but not checked`, ...mode } : { state: 'unsigned', reason: 'no signature header' };
  const nowMs = (ctx.now ?? Date.now)();
  if (!header) {
    // Some bodies carry nothing the scheme signs (synthflow call_inbound has no call_id); a
    // secret that cannot sign (a whpk_ key) says nothing about the body.
    if (!scheme.signsUrl && !scheme.secretProblem?.(secret, 'sign') && scheme.sign({ body, secret, timestampMs: nowMs }) === undefined) return { state: 'unsigned', reason: `nothing to sign: ${scheme.signedBytes.value}`, ...mode };
    return { state: 'invalid', reason: `header missing: no ${signatureHeaderNames(vendor, choice)[0]}`, ...mode };
  }
  const where = scheme.signsUrl && ctx.urlOf && ctx.path !== undefined ? ctx.urlOf(ctx.path, headers) : undefined;
  const others = new Map<string, string>();
  for (const [id, value] of ctx.secrets) if (id !== vendor.id) others.set(id, value);
  const verdict = verifyRequest(vendor, { body, secret, headers, url: where?.url, otherUrls: where?.others, nowMs, otherSecrets: others }, choice);
  const url = where ? { url: where.url, urlFrom: where.from } : {};
  if (verdict.valid) return { state: 'valid', header, ...url, ...mode, ...(verdict.detail ? { detail: verdict.detail } : {}) };
  // HMAC cannot tell a wrong secret from a changed body: without a diagnosis, the reason says both.
  const reason =
    verdict.reason === 'mismatch' && !('diagnosis' in verdict && verdict.diagnosis)
      ? 'wrong secret or body changed'
      : verdict.reason === 'malformed'
        ? `wrong encoding: ${verdict.detail}`
        : verdict.detail;
  const diagnosis = 'diagnosis' in verdict ? verdict.diagnosis : undefined;
  return { state: 'invalid', header, reason, ...(diagnosis ? { diagnosis } : {}), ...url, ...mode };
}

/** Strict UTF-8 decoding; null when the bytes are not UTF-8. */
export function decodeUtf8(body: Buffer): string | null {
  return isUtf8(body) ? body.toString('utf8') : null;
}
