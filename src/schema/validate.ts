// Validating one payload: parse, detect (or take the forced vendor/event), check the schema,
// and locate every issue in the source text. Pure: text in, structured result out.
//
// A text that is not JSON but is form-encoded (Twilio) is read as the object of its decoded
// parameters: that object is what a form event's schema describes, and what detection sees. Its
// issues point at the parameter: line:col is where the parameter's `name=` starts, or where the
// body starts for what concerns the whole body (a missing parameter, an unrecognised body).
//
// No body up to --max-body may cost more than linear time and memory in its size (issue #13):
// a result keeps the first MAX_ISSUES issues and counts the rest (omittedIssues), by severity, so
// `valid` and the warning counts stay exact. Schema issues past the cap are counted without zod
// building them (bounded-issues.ts), duplicate keys without the scanner keeping them (scan.ts).
import { detect } from '../vendors/detect.js';
import { findVendor } from '../vendors/index.js';
import { boundedIssues } from './bounded-issues.js';
import { isClean } from './fast-check.js';
import { fromZodIssue, type Issue } from './issues.js';
import { scanJson, type Position } from '../json/scan.js';
import { clip, displayLinkPath, quote } from '../json/display.js';
import { isObject, describeType } from '../json/values.js';
import { formOffsets, readForm } from '../json/body-format.js';
import type { BodyPart, EventDefinition, VendorDefinition } from '../vendors/types.js';

export interface ValidateOptions {
  /** Only consider this vendor (detection still picks the event unless `event` is set). */
  vendor?: VendorDefinition;
  /** Force the event (requires `vendor`). */
  event?: EventDefinition;
  /** Force which side of the exchange the body is (only meaningful for events with a reply). */
  part?: BodyPart;
  /** Warnings count as errors. */
  strict?: boolean;
  /** Request headers (lower-case names), when known: some vendors are recognised by them. */
  headers?: Record<string, string | undefined>;
}

export interface PayloadResult {
  vendor?: string;
  event?: string;
  part?: BodyPart;
  /** False when any issue is an error, the omitted ones included. */
  valid: boolean;
  /** The first MAX_ISSUES issues: schema issues in zod's order, then duplicate keys in text order. */
  issues: Issue[];
  /** Issues found beyond `issues` (absent when none were left out): say "and N more". */
  omittedIssues?: number;
  /** How many of the omitted issues are warnings (the rest are errors); absent when none. */
  omittedWarnings?: number;
  /** The parsed body, when it parsed (callers such as `send` reuse it). */
  body?: unknown;
}

/** The most issues a result keeps: enough to fix a payload by, and a bound on what it costs. */
export const MAX_ISSUES = 100;

/** What validateValue hands finish: the issues so far and those counted past the cap. */
interface Partial extends Omit<PayloadResult, 'valid' | 'omittedIssues' | 'omittedWarnings'> {
  omitted?: { errors: number; warnings: number };
}

const BOM = 0xfeff;

/**
 * Validate a JSON text, or a form body (`name=value&…`, read as the object of its parameters).
 * `text` may start with a BOM; line/column in issues refer to `text`.
 */
export function validateText(text: string, options: ValidateOptions = {}): PayloadResult {
  const reply = options.part === 'reply' ? options.event?.reply : undefined;
  if (reply?.format === 'text') return validateTextReply(text, options);
  const start = text.charCodeAt(0) === BOM ? 1 : 0;
  let body: unknown;
  try {
    body = JSON.parse(start ? text.slice(start) : text);
  } catch (err) {
    // Only a text that failed to parse can be empty; checking after the fact keeps clean files cheap.
    if ((start ? text.slice(start) : text).trim().length === 0) {
      return finish({ issues: [{ code: 'empty', severity: 'error', message: 'empty input: no JSON value', line: 1, column: 1 }] }, options);
    }
    const form = mayBeForm(options) ? readForm(text) : undefined;
    if (form?.ok) return validateForm(form.params, options, text);
    if (form) {
      const at = lineColumn(text, form.offset);
      return finish({ issues: [{ code: 'invalid-json', severity: 'error', message: `neither JSON nor a form body (name=value&…, percent-encoded): ${form.message}`, ...at }] }, options);
    }
    const scan = scanJson(text);
    const at = scan.error?.position;
    const message = scan.error?.message ?? (err as Error).message;
    return finish({ issues: [{ code: 'invalid-json', severity: 'error', message: `invalid JSON: ${message}`, line: at?.line, column: at?.column }] }, options);
  }
  return validateParsed(body, options, { kind: 'json', text });
}

/** Whether a text that is not JSON may be a form body: not when the request says it is JSON. */
function mayBeForm(options: ValidateOptions): boolean {
  const type = options.headers?.['content-type'];
  return type === undefined || !/json/i.test(type);
}

/** A form body's parameters, checked as the object they make; issues placed at the parameters. */
function validateForm(params: Record<string, string | string[]>, options: ValidateOptions, text: string): PayloadResult {
  if (options.event && options.event.bodyFormat !== 'form') {
    // Forced to a JSON event (send --data, validate --event): unreadable as that event's body.
    const what = `${options.vendor?.id ?? ''} ${options.event.name}`.trim();
    const issue: Issue = { code: 'invalid-json', severity: 'error', message: `invalid JSON: this is a form-encoded body (name=value&…), and ${what} is sent as JSON`, ...lineColumn(text, bodyStart(text)) };
    return finish({ issues: [issue] }, options);
  }
  return validateParsed(params, options, { kind: 'form', text });
}

/**
 * A reply that is not JSON (Twilio's TwiML), checked by its contract's `check` alone: the event
 * and part are forced (validate --vendor twilio --event incoming-call --reply).
 */
function validateTextReply(text: string, options: ValidateOptions): PayloadResult {
  const event = options.event!;
  const contract = event.reply!;
  const issues: Issue[] = [];
  if (text.trim() === '') issues.push({ code: 'empty', severity: 'error', message: `an empty reply: ${contract.emptyMeans}`, line: 1, column: 1 });
  else {
    try {
      issues.push(...(contract.check?.({ text }, undefined) ?? []));
    } catch (err) {
      issues.push({ code: 'invalid', severity: 'error', message: `the reply could not be checked: ${(err as Error).message}` });
    }
  }
  return finish({ vendor: options.vendor?.id, event: event.name, part: 'reply', issues, body: text }, options);
}

/**
 * Validate an already-parsed value. With `text`, issues get line/column and duplicate keys are
 * reported; without it (e.g. a body embedded in a log record) only JSON paths are given.
 */
export function validateValue(body: unknown, options: ValidateOptions = {}, text?: string): PayloadResult {
  return validateParsed(body, options, text === undefined ? undefined : { kind: 'json', text });
}

/** The text a parsed body came from, for placing its issues: JSON, or a form body. */
type Source = { kind: 'json' | 'form'; text: string };

function validateParsed(body: unknown, options: ValidateOptions, text: Source | undefined): PayloadResult {
  const issues: Issue[] = [];
  if (!isObject(body)) {
    issues.push({ code: 'not-an-object', severity: 'error', message: `expected a JSON object at the top level, received ${describeType(body)}`, path: '$', locationPath: [] });
    return finish({ issues, body }, options, text);
  }

  let vendor = options.vendor;
  let event = options.event;
  let part: BodyPart = options.part ?? 'request';
  if (!event) {
    const found = detect(body, options.headers, vendor);
    if (found.ok) {
      vendor = found.vendor;
      event = found.event;
      part = options.part ?? found.part;
    } else if (found.why === 'unknown-event') {
      // The vendor's own body with an event hookscope does not know: drift, not an error.
      const known = found.vendor.events.map((e) => e.name).join(', ');
      issues.push({
        code: 'unknown-event',
        severity: 'warning',
        message: `${found.vendor.id} event ${JSON.stringify(found.event.slice(0, 100))} is not one hookscope knows (known: ${known}): the vendor may have added it; the body is not checked against a schema`,
        path: '$',
        locationPath: [],
      });
      return finish({ vendor: found.vendor.id, event: found.event, part, issues, body }, options, text);
    } else if (found.why === 'ambiguous') {
      const names = found.candidates.map((c) => `${c.vendor.id} ${c.event.name}`).join(', ');
      issues.push({ code: 'ambiguous', severity: 'error', message: `matches more than one event (${names}); pass --vendor and --event`, path: '$', locationPath: [] });
      return finish({ issues, body }, options, text);
    } else {
      issues.push({ code: 'undetected', severity: 'error', message: undetectedMessage(found.nearMisses, vendor), path: '$', locationPath: [] });
      return finish({ vendor: vendor?.id, issues, body }, options, text);
    }
  }

  if (text?.kind === 'form' && (part === 'reply' || event.bodyFormat !== 'form')) {
    // Detection found a JSON event in form parameters: the vendor never sends it so.
    issues.push({ code: 'invalid', severity: 'error', message: `a form-encoded body, but ${vendor?.id ?? ''} ${event.name}${part === 'reply' ? ' replies are' : ' is'} sent as JSON`, path: '$', locationPath: [] });
    return finish({ vendor: vendor?.id, event: event.name, part, issues, body }, options, text);
  }
  const schema = part === 'reply' ? event.reply?.schema : event.schema;
  if (!schema) {
    issues.push({ code: 'invalid', severity: 'error', message: `${vendor?.id ?? ''} ${event.name} has no reply schema`, path: '$', locationPath: [] });
  } else if (!isClean(schema, body)) {
    // Most payloads are clean: the compiled predicate says so without zod's parse. Otherwise zod's
    // issues, the first MAX_ISSUES of them, and how many more.
    const found = boundedIssues(schema, body, MAX_ISSUES - issues.length);
    for (const zi of found.issues) issues.push(...fromZodIssue(zi, body));
    const omitted = found.omitted > 0 ? { errors: found.omittedErrors, warnings: found.omitted - found.omittedErrors } : undefined;
    return finish({ vendor: vendor?.id, event: event.name, part, issues, body, omitted }, options, text);
  }
  return finish({ vendor: vendor?.id, event: event.name, part, issues, body }, options, text);
}

function undetectedMessage(nearMisses: { vendor: string; resemblance: number; reason: string }[], forced?: VendorDefinition): string {
  if (forced) return `not recognised as any ${forced.id} event: ${nearMisses[0]?.reason ?? 'no match'}`;
  const close = nearMisses.filter((n) => n.resemblance > 0);
  if (close.length === 0) {
    // A fallback vendor's reason (Standard Webhooks: how to check a body as one) says what to do; it goes first, before the list is cut.
    const ordered = [...nearMisses.filter((n) => findVendor(n.vendor)?.fallback), ...nearMisses.filter((n) => !findVendor(n.vendor)?.fallback)];
    return `not recognised as any vendor's event: ${ordered.map((n) => `${n.vendor}: ${n.reason}`).join('; ')}`;
  }
  return `not recognised as any vendor's event; closest: ${close.map((n) => `${n.vendor} (${n.reason})`).join('; ')}`;
}

/** Apply --strict, locate issues in the source text, add duplicate keys, set `valid`. */
function finish(partial: Partial, options: ValidateOptions, source?: Source): PayloadResult {
  const issues = partial.issues;
  const omitted = partial.omitted ?? { errors: 0, warnings: 0 };
  delete partial.omitted;
  if (source?.kind === 'form') {
    if (issues.length > 0) locateForm(source.text, issues);
  } else if (source !== undefined && (issues.length === 0 || issues.every((i) => i.code !== 'invalid-json' && i.code !== 'empty'))) {
    // Most payloads are clean: no issues, and (below) no closures or iterators for them.
    const text = source.text;
    // The scan is only needed to place issues or to find duplicate keys; most payloads are
    // clean, and skipping it for them halves the cost of a large validate run.
    if ((issues.length > 0 && issues.some((i) => i.locationPath)) || mayHaveDuplicateKeys(text, partial.body)) {
      // Duplicate keys are warnings: those past the cap are counted with the other omitted ones.
      omitted.warnings += locate(text, issues);
    }
  }
  let valid = true;
  for (let i = 0; i < issues.length; i++) {
    const issue = issues[i]!;
    if (options.strict) issue.severity = 'error';
    if (issue.locationPath) delete issue.locationPath;
    if (issue.severity === 'error') valid = false;
    // A vendor's wording (detection reasons, refinements) may quote whole values.
    issue.message = clip(issue.message);
  }
  if (options.strict) {
    omitted.errors += omitted.warnings;
    omitted.warnings = 0;
  }
  if (omitted.errors > 0) valid = false;
  const result = partial as PayloadResult;
  result.valid = valid;
  if (omitted.errors + omitted.warnings > 0) {
    result.omittedIssues = omitted.errors + omitted.warnings;
    result.omittedWarnings = omitted.warnings;
  }
  return result;
}

/**
 * False only when the text provably has no duplicate keys: every key in JSON text is a string
 * followed by optional whitespace and ':', so the number of `"…:` sequences is at least the
 * number of keys written. If it equals the number of keys JSON.parse kept, none was dropped.
 * A quote after an odd number of backslashes is inside a string, never a key's end: JSON-encoded
 * text in a string (Vapi's tool-call `arguments`, `{\"date\":…}`) is not counted. (A string that
 * starts with `:` still over-counts, which only costs a full scan.) Linear: each look back stops
 * at the previous `:`.
 */
export function mayHaveDuplicateKeys(text: string, body: unknown): boolean {
  let candidates = 0;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    let j = i - 1;
    while (j >= 0) {
      const c = text.charCodeAt(j);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      j--;
    }
    if (j < 0 || text.charCodeAt(j) !== 0x22) continue;
    let backslashes = 0;
    while (j - 1 - backslashes >= 0 && text.charCodeAt(j - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) candidates++;
  }
  return candidates !== countKeys(body);
}

/** Keys in all objects of a parsed value, without recursion (values may nest 10,000 deep). */
function countKeys(value: unknown): number {
  let keys = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (typeof item === 'object' && item !== null) stack.push(item);
      }
    } else {
      for (const k in v) {
        keys++;
        const item = (v as Record<string, unknown>)[k];
        if (typeof item === 'object' && item !== null) stack.push(item);
      }
    }
  }
  return keys;
}

/**
 * One scan of the text gives positions for every issue's path, and the duplicate keys: those that
 * fit under MAX_ISSUES are added; the number left out is returned.
 */
function locate(text: string, issues: Issue[]): number {
  const wanted = issues.flatMap((i) => (i.locationPath ? [i.locationPath] : []));
  const room = Math.max(0, MAX_ISSUES - issues.length);
  const scan = scanJson(text, { paths: wanted, maxDuplicates: room });
  for (const issue of issues) {
    if (!issue.locationPath) continue;
    const at: Position | undefined = scan.byPath.get(issue.locationPath);
    if (at) {
      issue.line = at.line;
      issue.column = at.column;
    }
  }
  for (const dup of scan.duplicates) {
    issues.push({
      code: 'duplicate-key',
      severity: 'warning',
      message: `duplicate key ${quote(dup.key)} (first at ${dup.first.line}:${dup.first.column}); parsers keep the last one, and re-serialising changes the signed bytes`,
      path: displayLinkPath(dup.at, dup.key),
      line: dup.second.line,
      column: dup.second.column,
    });
  }
  return scan.duplicateCount - scan.duplicates.length;
}

/**
 * Issues of a form body placed at their parameter: the `name=` of the first pair with the name
 * the issue's path starts with; issues about the whole body (or a missing parameter, located at
 * its parent: the body) at the body's start. One pass over the text for all of them.
 */
function locateForm(text: string, issues: Issue[]): void {
  const names = new Set<string>();
  for (const issue of issues) {
    const first = issue.locationPath?.[0];
    if (typeof first === 'string') names.add(first);
  }
  const offsets = formOffsets(text, names);
  const start = bodyStart(text);
  for (const issue of issues) {
    if (!issue.locationPath) continue;
    const first = issue.locationPath[0];
    Object.assign(issue, lineColumn(text, (typeof first === 'string' ? offsets.get(first) : undefined) ?? start));
  }
}

/** The offset of a body's first character that is not a BOM or a blank. */
function bodyStart(text: string): number {
  let i = text.charCodeAt(0) === BOM ? 1 : 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i < text.length ? i : 0;
}

/** 1-based line and column of an offset (a BOM is not a column). */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = text.charCodeAt(0) === BOM ? 1 : 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
