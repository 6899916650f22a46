// `hookscope validate <paths...>`: validate saved payloads (files, directories, NDJSON logs,
// stdin) against each vendor's schema. Returns a structured report; reporters render it.
import { readInputs, type InputUnit } from '../core/inputs.js';
import { isLogRecord, logRecordBody } from '../core/log-record.js';
import { resolveEvent, resolveVendor } from '../core/resolve.js';
import { validateText, validateValue, type PayloadResult, type ValidateOptions } from '../core/validate.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { Issue } from '../core/issues.js';

export interface ValidateCommandOptions {
  paths: string[];
  vendor?: string;
  event?: string;
  /** Validate bodies as the reply a receiver gives (synthflow call_inbound). */
  reply?: boolean;
  strict?: boolean;
  readStdin?: () => Buffer;
}

export interface ValidateEntry extends Omit<PayloadResult, 'body'> {
  source: string;
  /** Line in an NDJSON file. */
  line?: number;
  /** The path could not be read: counted apart, exit 2. */
  unreadable?: boolean;
}

export interface ValidateSummary {
  files: number;
  payloads: number;
  valid: number;
  invalid: number;
  warnings: number;
  unreadable: number;
  skipped: number;
}

export interface ValidateReport {
  entries: ValidateEntry[];
  skipped: { source: string; message: string }[];
  summary: ValidateSummary;
  exitCode: ExitCodeValue;
}

export async function validate(options: ValidateCommandOptions): Promise<ValidateReport> {
  const vendor = options.vendor ? resolveVendor(options.vendor) : undefined;
  const forced = options.event ? resolveEvent(options.event, vendor) : undefined;
  const opts: ValidateOptions = {
    vendor: forced?.vendor ?? vendor,
    event: forced?.event,
    part: options.reply ? 'reply' : undefined,
    strict: options.strict,
  };

  const entries: ValidateEntry[] = [];
  const skipped: ValidateReport['skipped'] = [];
  for (const unit of readInputs(options.paths, { readStdin: options.readStdin })) {
    if (unit.kind === 'skipped') skipped.push({ source: unit.source, message: unit.message });
    else entries.push(checkUnit(unit, opts));
  }
  const sources = new Set(entries.map((e) => e.source));

  const summary: ValidateSummary = {
    files: sources.size,
    payloads: entries.filter((e) => !e.unreadable).length,
    valid: entries.filter((e) => !e.unreadable && e.valid).length,
    invalid: entries.filter((e) => !e.unreadable && !e.valid).length,
    warnings: entries.reduce((n, e) => n + e.issues.filter((i) => i.severity === 'warning').length, 0),
    unreadable: entries.filter((e) => e.unreadable).length,
    skipped: skipped.length,
  };
  const exitCode = summary.unreadable > 0 || (entries.length === 0 && options.paths.length > 0) ? ExitCode.usage : summary.invalid > 0 ? ExitCode.problem : ExitCode.ok;
  return { entries, skipped, summary, exitCode };
}

function checkUnit(unit: Exclude<InputUnit, { kind: 'skipped' }>, opts: ValidateOptions): ValidateEntry {
  const at = { source: unit.source, ...(unit.kind === 'text' && unit.line !== undefined ? { line: unit.line } : {}) };
  if (unit.kind === 'unreadable') {
    return { ...at, unreadable: true, valid: false, issues: [{ code: 'unreadable', severity: 'error', message: unit.message }] };
  }
  if (unit.kind === 'not-text') {
    return { ...at, valid: false, issues: [{ code: unit.code, severity: 'error', message: unit.message }] };
  }
  if (unit.line === undefined) return strip(at, validateText(unit.text, opts));

  // An NDJSON line: a `listen` log record is judged by the body it recorded.
  const parsed = parseOrUndefined(unit.text);
  if (isLogRecord(parsed)) {
    const inner = validateText(logRecordBody(parsed).toString('utf8'), opts);
    for (const issue of inner.issues) {
      onLine(issue, unit.line, undefined);
      if (issue.code === 'invalid-json') issue.message = `recorded body is ${issue.message}`;
    }
    return strip(at, inner);
  }
  const result = parsed === undefined ? validateText(unit.text, opts) : validateValue(parsed, opts, unit.text);
  for (const issue of result.issues) onLine(issue, unit.line, issue.column);
  return strip(at, result);
}

/** Issues inside one NDJSON line point at that line of the file. */
function onLine(issue: Issue, line: number, column: number | undefined): void {
  issue.line = line;
  issue.column = column;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function strip(at: { source: string; line?: number }, result: PayloadResult): ValidateEntry {
  const { body: _body, ...rest } = result;
  return { ...at, ...rest };
}

// Re-exported so the library entry can offer the same engine.
export { validateText, validateValue };
