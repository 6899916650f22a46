// What `replay` delivers: fixture files (sent compact and signed as `send` signs them) or the
// records of a `listen` log (the recorded bytes and headers, re-signed only with --secret).
// Everything is read (as a stream: a log of any size) and recognised before the first request.
// What cannot be replayed is passed over with a reason, unless --strict (then nothing is sent).
import { CONNECTION_HEADERS, defaultHeaders } from '../http/client.js';
import { readInputs, type InputOptions } from '../files/inputs.js';
import { isProbeRecord, notRecordedReason } from '../files/log-records.js';
import { freshen, type FreshContext } from '../json/edit.js';
import { encodeBody, FORM_CONTENT_TYPE } from '../json/body-format.js';
import { flatHeaders } from '../record/inspect.js';
import { isLogRecord, logRecordBody, type LogRecord } from '../record/log-record.js';
import { parseSecretFlags, secretFor, type SecretFlags } from '../signing/secrets.js';
import { choiceFor, hasSignatureHeader, schemeHeaderNames, signRequest, type AuthChoice } from '../signing/signature.js';
import { newMessageId } from '../signing/primitives.js';
import { validateText } from '../schema/validate.js';
import { ExitCode, UserError } from '../errors.js';
import { findEvent, vendors as registry } from '../vendors/index.js';
import type { VendorDefinition } from '../vendors/types.js';

export interface ReplayItem {
  index: number;
  /** `file` or `file:line`. */
  source: string;
  vendor: VendorDefinition;
  event?: string;
  body: Buffer;
  /** In wire order. */
  headers: [string, string][];
  /** The path a recorded request was sent to. */
  path?: string;
  /** `stale`: a recorded signature kept on a body that --fresh changed (no --secret to re-sign). */
  signing: 'signed' | 're-signed' | 'recorded' | 'stale' | 'unsigned';
  dedupeKey?: string;
  /** The id `listen` gave a recorded request. */
  recordId?: number;
  /** Per-delivery fields given new values (--fresh). */
  freshened?: string[];
  /** The secret each attempt is signed with, afresh (vendors sign every attempt with its own time). */
  secret?: string;
  /**
   * The message id every attempt is signed with, for schemes that sign one (Standard Webhooks'
   * webhook-id): one per event, the same on each retry, as the spec requires of a sender.
   */
  messageId?: string;
  signatureHeader?: string;
  auth?: AuthChoice;
}

/**
 * The headers (and URL) of one attempt: the item's, plus the vendor's signature made now (or at
 * the pinned time), as a vendor signs each retry, so timestamped schemes stay inside their window.
 */
export function attemptRequest(item: ReplayItem, url: string, timestampMs: number): { headers: [string, string][]; url: string } {
  if (item.secret === undefined) return { headers: item.headers, url };
  const contentType = item.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1];
  const signed = signRequest(item.vendor, { body: item.body, secret: item.secret, timestampMs, url, contentType, id: item.messageId }, choiceFor(item.vendor, item.auth, item.event, item.signatureHeader));
  if (!signed) return { headers: item.headers, url };
  return { headers: [...item.headers, ...Object.entries(signed.headers)], url: signed.url ?? url };
}

export interface LoadOptions {
  vendor?: VendorDefinition;
  /** `value` (every vendor) or `vendor=value`. */
  secrets: string[];
  signatureHeader?: string;
  /** --auth, for vendors with several authentication modes. */
  auth?: AuthChoice;
  env: NodeJS.ProcessEnv;
  stdin?: InputOptions['stdin'];
  /** Stop reading when aborted. */
  signal?: AbortSignal;
  /** Any input that cannot be replayed stops the run before anything is sent. */
  strict?: boolean;
  /** Only these events (any of them). */
  events?: string[];
  /** Only these (any of them): a dedupe key, or the id listen gave a recorded request. */
  ids?: string[];
  /** New values for the per-delivery fields (timestamps, delivery ids), as `send` makes them. */
  fresh?: boolean;
  freshContext?: FreshContext;
}

export interface LoadResult {
  items: ReplayItem[];
  /** Inputs that cannot be replayed, and why: `file:line: reason`. */
  passedOver: string[];
  /** Replayable payloads that --event / --id left out. */
  filteredOut: number;
  /** Logged GET/HEAD probes without a body: no webhooks, nothing to replay. */
  probes: number;
  /** Things to say once on stderr (signatures that --fresh made stale). */
  notes: string[];
}


export async function loadInputs(paths: string[], options: LoadOptions): Promise<LoadResult> {
  const flagSecrets = parseSecretFlags(options.secrets, options.vendor);
  const result: LoadResult = { items: [], passedOver: [], filteredOut: 0, probes: 0, notes: [] };
  let stale = 0;
  for await (const unit of readInputs(paths, { stdin: options.stdin, signal: options.signal })) {
    const source = unit.kind !== 'skipped' && unit.line !== undefined ? `${unit.source}:${unit.line}` : unit.source;
    if (unit.kind === 'skipped') continue;
    if (unit.kind === 'unreadable' || unit.kind === 'not-text') {
      result.passedOver.push(`${source}: ${unit.message}`);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(unit.text.charCodeAt(0) === 0xfeff ? unit.text.slice(1) : unit.text);
    } catch (err) {
      result.passedOver.push(`${source}: not JSON (${(err as Error).message})`);
      continue;
    }
    if (isLogRecord(parsed) && isProbeRecord(parsed)) {
      result.probes++;
      continue;
    }
    const item = isLogRecord(parsed) ? fromRecord(parsed, source, options, flagSecrets) : fromFixture(unit.text, source, options, flagSecrets);
    if (typeof item === 'string') {
      result.passedOver.push(`${source}: ${item}`);
    } else if (!wanted(item, options)) {
      result.filteredOut++;
    } else {
      if (item.signing === 'stale') stale++;
      result.items.push({ ...item, index: result.items.length, ...(item.secret !== undefined ? { messageId: newMessageId() } : {}) });
    }
  }
  if (options.strict && result.passedOver.length) {
    throw new UserError(`cannot replay ${plural(result.passedOver.length, 'input')} (--strict); nothing was sent:\n${listed(result.passedOver)}`, 'without --strict, they are passed over and the rest is delivered', ExitCode.usage);
  }
  if (stale) {
    result.notes.push(`--fresh changed ${plural(stale, 'recorded request')} that carry the vendor's signature: without --secret, the recorded signature no longer matches the body (give --secret to re-sign)`);
  }
  return result;
}

/** Up to ten reasons, one per line, and how many more. */
export function listed(reasons: readonly string[]): string {
  const shown = reasons.slice(0, 10).map((p) => `  ${p}`).join('\n');
  return `${shown}${reasons.length > 10 ? `\n  … and ${reasons.length - 10} more` : ''}`;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * --event and --id: any value of one flag matches; both flags, when given, must match. An id is
 * a dedupe key, bare or as listen records it (`vendor:key`), or the id listen gave a request.
 */
function wanted(item: Omit<ReplayItem, 'index'>, options: LoadOptions): boolean {
  if (options.events?.length && (item.event === undefined || !options.events.includes(item.event))) return false;
  if (options.ids?.length && !options.ids.some((id) => matchesId(item, id))) return false;
  return true;
}

function matchesId(item: Omit<ReplayItem, 'index'>, id: string): boolean {
  if (item.recordId !== undefined && id === String(item.recordId)) return true;
  return item.dedupeKey !== undefined && (id === item.dedupeKey || id === `${item.vendor.id}:${item.dedupeKey}`);
}

function fromFixture(text: string, source: string, options: LoadOptions, flagSecrets: SecretFlags): Omit<ReplayItem, 'index'> | string {
  const checked = validateText(text, { vendor: options.vendor });
  const vendor = registry.find((v) => v.id === checked.vendor);
  if (!vendor || !checked.event || checked.body === undefined) {
    return checked.issues.find((i) => i.code === 'undetected' || i.code === 'ambiguous')?.message ?? 'not recognised as any vendor event (use --vendor)';
  }
  if (checked.part === 'reply') return `a ${vendor.id} ${checked.event} reply (what a receiver answers), not something a vendor sends`;
  const dedupeKey = vendor.delivery.dedupeKey.key(checked.body);
  const freshened = options.fresh ? freshFields(vendor, checked.event, checked.body, options) : undefined;
  // Compact on the wire, as `send` sends it, so raw-byte and re-serialising receivers agree;
  // form events (Twilio) form-encoded, as the vendor sends them.
  const form = findEvent(vendor, checked.event)?.bodyFormat === 'form';
  const body = Buffer.from(encodeBody(checked.body, form ? 'form' : 'json'));
  const headers = defaultHeaders(form ? FORM_CONTENT_TYPE : undefined);
  const secret = secretFor(vendor, flagSecrets, options.env)?.value;
  // Signed at each attempt, with the attempt's time and URL (see attemptRequest); checked once here.
  const signs = secret !== undefined && canSign(vendor, body, secret, choiceFor(vendor, options.auth, checked.event), headers[0]![1]);
  return {
    source,
    vendor,
    event: checked.event,
    body,
    headers,
    signing: signs ? 'signed' : 'unsigned',
    ...(signs ? { secret, signatureHeader: options.signatureHeader, auth: options.auth } : {}),
    dedupeKey,
    ...(freshened?.length ? { freshened } : {}),
  };
}

function fromRecord(record: LogRecord, source: string, options: LoadOptions, flagSecrets: SecretFlags): Omit<ReplayItem, 'index'> | string {
  const omitted = notRecordedReason(record);
  if (omitted) return `the body was not recorded: ${omitted}`;
  let body = logRecordBody(record);
  const text = body.toString('utf8');
  const recordedVendor = typeof record.vendor === 'string' ? registry.find((v) => v.id === record.vendor) : undefined;
  const checked = validateText(text, { vendor: options.vendor ?? recordedVendor });
  const vendor = options.vendor ?? registry.find((v) => v.id === checked.vendor) ?? recordedVendor;
  if (!vendor) return 'the recorded request is not recognised as any vendor event (use --vendor)';
  if (checked.part === 'reply') return `a ${vendor.id} ${checked.event} reply (what a receiver answers), not something a vendor sends`;
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(record.headers)) {
    if (CONNECTION_HEADERS.has(name.toLowerCase())) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.push([name, v]);
  }
  const dedupeKey = checked.body === undefined ? undefined : vendor.delivery.dedupeKey.key(checked.body, flatHeaders(record.headers));
  const freshened = options.fresh && checked.event && checked.body !== undefined ? freshFields(vendor, checked.event, checked.body, options) : undefined;
  // A refreshed body is new bytes (compact, as `send` sends); otherwise the recorded bytes, exactly.
  if (freshened?.length) body = Buffer.from(encodeBody(checked.body, findEvent(vendor, checked.event!)?.bodyFormat));
  // Re-signed only when a secret is given on the command line: the recorded signature is the
  // vendor's own, made with a secret hookscope may not know.
  // Only a --secret from the command line: the environment's may not be the one the vendor used.
  const secret = flagSecrets.byVendor.get(vendor.id) ?? flagSecrets.bare;
  let signing: ReplayItem['signing'] = 'recorded';
  let signWith: string | undefined;
  if (secret) {
    // Drop the recorded signature (and its timestamp and id headers) under any spelling, and
    // whatever the override names; each attempt is signed afresh.
    const names = new Set(schemeHeaderNames(vendor, choiceFor(vendor, options.auth, checked.event, options.signatureHeader)));
    for (let i = headers.length - 1; i >= 0; i--) if (names.has(headers[i]![0].toLowerCase())) headers.splice(i, 1);
    const signs = canSign(vendor, body, secret, choiceFor(vendor, options.auth, checked.event));
    signing = signs ? 're-signed' : 'unsigned';
    if (signs) signWith = secret;
  } else if (freshened?.length && hasSignatureHeader(vendor, record.headers, choiceFor(vendor, options.auth, checked.event, options.signatureHeader))) {
    signing = 'stale';
  }
  return {
    source,
    vendor,
    event: checked.event,
    body,
    headers,
    path: record.path,
    signing,
    ...(signWith !== undefined ? { secret: signWith, signatureHeader: options.signatureHeader, auth: options.auth } : {}),
    dedupeKey,
    ...(typeof record.id === 'number' ? { recordId: record.id } : {}),
    ...(freshened?.length ? { freshened } : {}),
  };
}

/** A URL to ask URL-signed schemes (Twilio) whether a body can be signed: each attempt signs with the real one. */
const SOME_URL = 'https://hookscope.invalid/';

/** Whether the scheme chosen can sign this body with this secret (checked once per item; each attempt signs afresh). */
function canSign(vendor: VendorDefinition, body: Buffer, secret: string, choice: ReturnType<typeof choiceFor>, contentType?: string): boolean {
  return signRequest(vendor, { body, secret, timestampMs: Date.now(), url: SOME_URL, ...(contentType !== undefined ? { contentType } : {}) }, choice) !== undefined;
}

/** Give the event's per-delivery fields new values in `body`; the paths changed. */
function freshFields(vendor: VendorDefinition, event: string, body: unknown, options: LoadOptions): string[] {
  const fields = findEvent(vendor, event)?.fresh;
  return fields?.length ? freshen(body, fields, new Set(), options.freshContext) : [];
}

