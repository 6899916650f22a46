// `hookscope send <vendor> <event> --url <url>`: build the event's body (fixture or --data,
// edited by --set/--unset, per-delivery values fresh), validate it, sign exactly the bytes
// that go on the wire, send it, and judge the reply by the vendor's own rule.
import { readFileSync } from 'node:fs';
import type { Dispatcher } from 'undici';
import { EditError, freshen, parseAssignment, setPath, unsetPath } from '../json/edit.js';
import { loadFixture } from '../vendors/fixtures.js';
import { judgeStatus } from '../delivery/judge.js';
import { deadlineFor, judgeDeadline, judgeReplyBody, type DeadlineVerdict, type ReplyJudgement } from '../delivery/reply.js';
import { closeHttp, defaultHeaders, deliver, type FailureKind, type ReceivedResponse } from '../http/client.js';
import type { Issue } from '../schema/issues.js';
import { resolveEvent, resolveVendor } from '../vendors/resolve.js';
import { maskSecret, parseSecretFlags, secretFor } from '../signing/secrets.js';
import { authChoice, choiceFor, schemeFor, signRequest, unsignedNote } from '../signing/signature.js';
import { validateText, validateValue, type PayloadResult } from '../schema/validate.js';
import { formatPath } from '../json/values.js';
import { encodeBody, FORM_CONTENT_TYPE } from '../json/body-format.js';
import type { CommandIO } from '../cli/io.js';
import { ExitCode, UserError, type ExitCodeValue } from '../errors.js';
import { requireHttpUrl } from '../http/url.js';
import type { EventDefinition, Provenance, VendorDefinition } from '../vendors/types.js';

export interface SendOptions {
  vendor: string;
  event: string;
  url?: string;
  /** A file with the body, or '-' for stdin. */
  data?: string;
  set?: string[];
  unset?: string[];
  /** Refresh per-delivery values (default true). */
  fresh?: boolean;
  /** Refuse an invalid body (default true). */
  validate?: boolean;
  secret?: string;
  signatureHeader?: string;
  /** Sign with this time instead of now (for tests: schemes that sign a timestamp). */
  timestampMs?: number;
  /** The authentication mode, for vendors with several (Vapi), and its settings (name=value). */
  auth?: string;
  authSetting?: string[];
  header?: string[];
  timeoutMs?: number;
  dryRun?: boolean;
  env?: NodeJS.ProcessEnv;
  readStdin?: () => Buffer;
  dispatcher?: Dispatcher;
  /** Ctrl-C: stop waiting for the reply. */
  signal?: AbortSignal;
  /** A body made by the caller (the call player), sent as is: no fixture, no --data, no fresh values. */
  body?: unknown;
}

export interface SendResult {
  vendor: string;
  event: string;
  dryRun: boolean;
  request: { method: 'POST'; url: string; headers: [string, string][]; body: string; bytes: number };
  signing: { signed: true; header: string; secret: string; secretSource: string } | { signed: false; reason: string };
  /** Things the user should know: fresh values, assumptions used. */
  notes: string[];
  /** `source` is the --data file when issues carry its line:col. */
  validation?: { valid: boolean; issues: Issue[]; source?: string; omittedIssues?: number; omittedWarnings?: number };
  response?: Omit<ReceivedResponse, 'body'> & { body: string; json?: unknown };
  failure?: { kind: FailureKind | 'redirect' | 'rejected' | 'invalid-body' | 'bad-reply' | 'late'; message: string };
  verdict?: { accepted: boolean; rule: string; provenance: Provenance; reason: string };
  reply?: ReplyJudgement;
  /** The reply's latency against the vendor's deadline (a request/response event's, else its timeout). */
  deadline?: DeadlineVerdict;
  curl?: string;
  exitCode: ExitCodeValue;
}

/** What the CLI passes to send: its options minus the test seams, plus --json. */
export type SendCliOptions = Omit<SendOptions, 'env' | 'readStdin' | 'dispatcher' | 'signal' | 'body'> & { json?: boolean; speed?: number | 'max' };

export async function run(options: SendCliOptions, io: CommandIO): Promise<ExitCodeValue> {
  // `send <vendor> call`: the vendor's whole call, played by the call player.
  const { isCallRequest } = await import('./call.js');
  if (isCallRequest(options.vendor, options.event)) return (await import('./call.js')).run(options, io);
  if (options.speed !== undefined) throw new UserError('--speed paces a whole call: it applies to send <vendor> call', 'e.g. hookscope send vapi call --url http://localhost:3000/vapi --speed 10');
  const { renderSend, renderSendJson, sendNotes } = await import('../reporters/send.js');
  const { makeChalk, isSpinnerEnabled } = await import('../ui/terminal.js');
  const { json, ...rest } = options;
  const spin = !json && !rest.dryRun && isSpinnerEnabled(io.stderr, io.env);
  // isEnabled: ora switches itself off when a CI variable exists at all, even empty; hookscope decided already.
  const spinner = spin ? (await import('ora')).default({ text: `sending ${rest.vendor} ${rest.event}`, stream: io.stderr as NodeJS.WritableStream, discardStdin: false, isEnabled: true }).start() : undefined;
  let result;
  try {
    result = await send({ ...rest, env: io.env, signal: io.signal });
  } finally {
    spinner?.stop();
    // Idle keep-alive connections would hold the process open until they time out.
    await closeHttp();
  }
  if (json) {
    io.stdout.write(renderSendJson(result));
  } else {
    io.stderr.write(sendNotes(result));
    io.stdout.write(renderSend(result, makeChalk(io.color)));
  }
  return result.exitCode;
}

/** How much of a reply is kept for display and reply validation. */
const KEEP_REPLY_BYTES = 1024 * 1024;

export async function send(options: SendOptions): Promise<SendResult> {
  const env = options.env ?? process.env;
  const vendor = resolveVendor(options.vendor);
  const { event } = resolveEvent(options.event, vendor);
  const url = checkUrl(options.url, options.dryRun);
  const timeoutMs = options.timeoutMs ?? vendor.delivery.timeoutMs.value;
  const notes: string[] = [];
  if (!options.url) notes.push(`no --url: the request shows ${url} as a placeholder`);

  const { body, checkedText } = buildBody(vendor, event, options, notes);
  const wire = Buffer.from(encodeBody(body, event.bodyFormat), 'utf8');

  // Signing covers exactly `wire`: the compact serialisation is both the raw bytes and what a
  // receiver that re-serialises the parsed body (Relyable's Node sample) computes.
  const secret = secretFor(vendor, parseSecretFlags(options.secret === undefined ? [] : [options.secret], vendor), env);
  let signing: SendResult['signing'];
  const headers = defaultHeaders(event.bodyFormat === 'form' ? FORM_CONTENT_TYPE : undefined);
  let target = url;
  const choice = choiceFor(vendor, authChoice(options.auth, options.authSetting, [vendor]), event, options.signatureHeader);
  const scheme = schemeFor(vendor, choice);
  if (!scheme) {
    signing = { signed: false, reason: unsignedNote(vendor, choice) };
  } else if (!secret) {
    signing = { signed: false, reason: `no secret: pass --secret or set $${[...vendor.secretEnv, 'HOOKSCOPE_SECRET'].join(' or $')}` };
  } else {
    const timestampMs = options.timestampMs ?? Date.now();
    const signed = signRequest(vendor, { body: wire, secret: secret.value, timestampMs, url, contentType: headerOf(headers, 'content-type') }, choice);
    if (signed) {
      for (const [name, value] of Object.entries(signed.headers)) headers.push([name, value]);
      if (signed.url) target = signed.url;
      signing = { signed: true, header: Object.keys(signed.headers).join(', '), secret: maskSecret(secret.value), secretSource: secret.source };
      const fallback = !choice.auth ? vendor.defaultAuthMode : undefined;
      if (fallback) notes.push(`no --auth: signed with ${vendor.id}'s ${fallback.value} mode (${vendor.authModes?.[fallback.value]?.label ?? fallback.value}), an assumption: ${fallback.note}`);
      if (options.timestampMs !== undefined && scheme.timestamp) notes.push(`signed with the pinned timestamp ${new Date(timestampMs).toISOString()} (--timestamp)`);
      const names = scheme.headers;
      if (names.provenance !== 'documented' && !options.signatureHeader) {
        notes.push(`the header name ${names.value[0]} is an assumption (${names.note}); override with --signature-header`);
      }
    } else {
      signing = { signed: false, reason: scheme.secretProblem?.(secret.value, 'sign') ?? `this body cannot be signed: ${scheme.signedBytes.value}` };
    }
  }
  for (const h of options.header ?? []) setHeader(headers, h);

  const result: SendResult = {
    vendor: vendor.id,
    event: event.name,
    dryRun: Boolean(options.dryRun),
    request: { method: 'POST', url: target, headers, body: wire.toString('utf8'), bytes: wire.length },
    signing,
    notes,
    exitCode: ExitCode.ok,
  };

  if (options.validate !== false) {
    // An unedited --data file keeps its file:line:col locations; an edited body has JSON paths.
    const checked = checkedText ?? validateValue(body, { vendor, event });
    result.validation = {
      valid: checked.valid,
      issues: checked.issues,
      source: checkedText && options.data !== undefined ? dataSource(options.data) : undefined,
      ...(checked.omittedIssues ? { omittedIssues: checked.omittedIssues, omittedWarnings: checked.omittedWarnings } : {}),
    };
    if (!checked.valid) {
      result.failure = { kind: 'invalid-body', message: 'the body does not match the event schema; not sent (use --no-validate to send it anyway)' };
      result.exitCode = ExitCode.problem;
      return result;
    }
  }

  if (options.dryRun) {
    result.curl = curlCommand(result.request);
    return result;
  }

  const outcome = await deliver({ method: 'POST', url: target, headers, body: wire }, { timeoutMs, keepBytes: KEEP_REPLY_BYTES, dispatcher: options.dispatcher, signal: options.signal });
  if (!outcome.ok) {
    result.failure = outcome.failure;
    result.exitCode = ExitCode.problem;
    return result;
  }
  const res = outcome.response;
  const text = res.body.toString('utf8');
  result.response = { ...res, body: text, json: parseJson(text, res.headers) };
  judge(result, vendor, event, res, text, body, options.timeoutMs);
  return result;
}

function checkUrl(url: string | undefined, dryRun: boolean | undefined): string {
  // A dry run needs no receiver: it shows a placeholder (and says so).
  if (!url && dryRun) return 'http://127.0.0.1:4400/';
  try {
    return requireHttpUrl(url);
  } catch (err) {
    if (err instanceof UserError && !url) throw new UserError(err.message, 'e.g. --url http://localhost:3000/webhooks (or --dry-run to only print the request)');
    throw err;
  }
}

function buildBody(vendor: VendorDefinition, event: EventDefinition, options: SendOptions, notes: string[]): { body: unknown; checkedText?: PayloadResult } {
  let body: unknown;
  let checkedText: PayloadResult | undefined;
  if (options.body !== undefined) {
    body = structuredClone(options.body);
  } else if (options.data !== undefined) {
    const source = dataSource(options.data);
    let text: string;
    try {
      text = options.data === '-' ? (options.readStdin ?? (() => readFileSync(0)))().toString('utf8') : readFileSync(options.data, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read --data ${source}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    const parsed = validateText(text, { vendor, event });
    if (parsed.body === undefined) {
      const issue = parsed.issues[0];
      const where = issue?.line ? `${source}:${issue.line}:${issue.column}` : source;
      throw new UserError(`${where}: ${issue?.message ?? 'unreadable'}; nothing sent`, undefined, ExitCode.problem);
    }
    body = parsed.body;
    if (!options.set?.length && !options.unset?.length) checkedText = parsed;
  } else {
    body = loadFixture(vendor, event);
  }

  const assignments = (options.set ?? []).map((s) => ({ text: s, ...edit(`--set ${s}`, () => parseAssignment(s)) }));
  // Form parameters are text on the wire: --set SequenceNumber=3 sets "3", as Twilio sends it.
  if (event.bodyFormat === 'form') for (const a of assignments) if (typeof a.value === 'number' || typeof a.value === 'boolean') a.value = a.text.slice(a.text.indexOf('=') + 1);
  // Per-delivery values are fresh for fixtures; a --data body is the user's own, kept as given.
  if (options.data === undefined && options.body === undefined && options.fresh !== false && event.fresh?.length) {
    const pinned = new Set(assignments.map((a) => formatPath(a.path).replace(/^\$\.?/, '')));
    const changed = freshen(body, event.fresh, pinned);
    if (changed.length) notes.push(`fresh per delivery: ${changed.join(', ')} (pin with --set, or --no-fresh)`);
  }
  for (const a of assignments) edit(`--set ${a.text}`, () => setPath(body, a.path, a.value));
  for (const u of options.unset ?? []) edit(`--unset ${u}`, () => unsetPath(body, u));
  return { body, checkedText };
}

const dataSource = (data: string) => (data === '-' ? '<stdin>' : data);

/** Run one edit; its failure is a usage error that names the flag it came from. */
function edit<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof EditError) {
      const message = err.message.startsWith('--') ? err.message : `${flag}: ${err.message}`;
      throw new UserError(message, 'paths look like data.score, digital_humans[0].id or metadata["x.y"]');
    }
    throw err;
  }
}

function headerOf(headers: readonly [string, string][], name: string): string | undefined {
  return headers.find(([n]) => n === name)?.[1];
}

/** `--header 'Name: value'` replaces a header of the same name (case-insensitive) or adds one. */
function setHeader(headers: [string, string][], raw: string): void {
  const colon = raw.indexOf(':');
  const name = raw.slice(0, colon).trim().toLowerCase();
  if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) throw new UserError(`--header ${JSON.stringify(raw)}: expected 'Name: value'`);
  const value = raw.slice(colon + 1).trim();
  const at = headers.findIndex(([n]) => n === name);
  if (at >= 0) headers[at] = [name, value];
  else headers.push([name, value]);
}

function parseJson(text: string, headers: Record<string, string | string[]>): unknown {
  const type = String(headers['content-type'] ?? '');
  if (!/json/i.test(type) && !/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The vendor's rule decides; request/response events also need a valid reply, in time. */
function judge(result: SendResult, vendor: VendorDefinition, event: EventDefinition, res: ReceivedResponse, text: string, request: unknown, timeoutMs?: number): void {
  const rule = vendor.delivery.success;
  const judged = judgeStatus(vendor, res.status, res.headers.location, { event });
  result.verdict = { accepted: judged.delivered, rule: rule.value, provenance: rule.provenance, reason: judged.reason };
  const deadline = deadlineFor(vendor, event, timeoutMs);
  result.deadline = judgeDeadline(res.latencyMs, deadline.fact, deadline.hard);
  if (res.truncated) result.notes.push(`reply body truncated to ${KEEP_REPLY_BYTES} of ${res.totalBytes} bytes`);
  if (!judged.delivered) {
    result.failure = { kind: judged.kind, message: judged.reason };
    result.exitCode = ExitCode.problem;
    return;
  }
  if (event.reply) {
    const contentType = res.headers['content-type'];
    result.reply = judgeReplyBody(vendor, event, text, Array.isArray(contentType) ? contentType[0] : contentType, request);
    if (!result.reply.valid) {
      result.failure = { kind: 'bad-reply', message: result.reply.explanation! };
      result.exitCode = ExitCode.problem;
      return;
    }
  }
  if (result.deadline.state === 'late') {
    result.failure = { kind: 'late', message: result.deadline.message };
    result.exitCode = ExitCode.problem;
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** An equivalent curl command: same method, headers and exact body bytes. */
export function curlCommand(req: SendResult['request']): string {
  const parts = ['curl', '-sS', '-X', 'POST', shellQuote(req.url)];
  for (const [name, value] of req.headers) parts.push('-H', shellQuote(`${name}: ${value}`));
  parts.push('--data-binary', shellQuote(req.body));
  return parts.join(' ');
}
