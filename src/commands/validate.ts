// `hookscope validate <paths...>`: validate saved payloads (files, directories, NDJSON logs,
// stdin) against each vendor's schema. Returns a structured report; reporters render it.
import { listTargets, readTarget, type InputUnit } from '../files/inputs.js';
import { isLogRecord, logRecordBody } from '../record/log-record.js';
import { resolveEvent, resolveVendor } from '../vendors/resolve.js';
import { validateText, validateValue, type PayloadResult, type ValidateOptions } from '../schema/validate.js';
import type { CommandIO } from '../cli/io.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { Issue } from '../schema/issues.js';

export type ValidateFormat = 'pretty' | 'json' | 'junit' | 'github';

/** What the CLI passes: the command's options plus the output choices. */
export interface ValidateCliOptions extends Omit<ValidateCommandOptions, 'readStdin'> {
  format?: ValidateFormat;
  quiet?: boolean;
}

export async function run(options: ValidateCliOptions, io: CommandIO): Promise<ExitCodeValue> {
  const { renderValidate } = await import('../reporters/index.js');
  const { format: asked, quiet, ...rest } = options;
  const report = await validate(rest);
  const format = asked ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'pretty');
  io.stdout.write(renderValidate(report, format, { color: io.color, quiet }));
  for (const s of report.skipped) io.stderr.write(`hookscope: skipped ${s.source}: ${s.message}\n`);
  return report.exitCode;
}

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
  const sources = new Set<string>();
  const summary: ValidateSummary = { files: 0, payloads: 0, valid: 0, invalid: 0, warnings: 0, unreadable: 0, skipped: 0 };
  const readOptions = { readStdin: options.readStdin };
  const targets = listTargets(options.paths);
  // Indexed loops: this runs once per file, mostly before V8 has optimised it.
  for (let t = 0; t < targets.length; t++) {
    const target = targets[t]!;
    if (target.kind === 'skipped') {
      skipped.push({ source: target.source, message: target.message });
      continue;
    }
    const units = readTarget(target, readOptions);
    for (let u = 0; u < units.length; u++) {
      const entry = checkUnit(units[u] as Exclude<InputUnit, { kind: 'skipped' }>, opts);
      entries.push(entry);
      sources.add(entry.source);
      if (entry.unreadable) summary.unreadable++;
      else if (entry.valid) summary.valid++;
      else summary.invalid++;
      for (let i = 0; i < entry.issues.length; i++) if (entry.issues[i]!.severity === 'warning') summary.warnings++;
    }
  }
  summary.files = sources.size;
  summary.payloads = summary.valid + summary.invalid;
  summary.skipped = skipped.length;
  const exitCode = summary.unreadable > 0 || (entries.length === 0 && options.paths.length > 0) ? ExitCode.usage : summary.invalid > 0 ? ExitCode.problem : ExitCode.ok;
  return { entries, skipped, summary, exitCode };
}

function checkUnit(unit: Exclude<InputUnit, { kind: 'skipped' }>, opts: ValidateOptions): ValidateEntry {
  const line = unit.kind === 'text' ? unit.line : undefined;
  if (unit.kind === 'unreadable') {
    const entry = make(unit.source, line, { valid: false, issues: [{ code: 'unreadable', severity: 'error', message: unit.message }] });
    entry.unreadable = true;
    return entry;
  }
  if (unit.kind === 'not-text') {
    return make(unit.source, line, { valid: false, issues: [{ code: unit.code, severity: 'error', message: unit.message }] });
  }
  if (line === undefined) return make(unit.source, line, validateText(unit.text, opts));

  // An NDJSON line: a `listen` log record is judged by the body it recorded.
  const parsed = parseOrUndefined(unit.text);
  if (isLogRecord(parsed)) {
    const inner = validateText(logRecordBody(parsed).toString('utf8'), opts);
    for (const issue of inner.issues) {
      onLine(issue, line, undefined);
      if (issue.code === 'invalid-json') issue.message = `recorded body is ${issue.message}`;
    }
    return make(unit.source, line, inner);
  }
  const result = parsed === undefined ? validateText(unit.text, opts) : validateValue(parsed, opts, unit.text);
  for (const issue of result.issues) onLine(issue, line, issue.column);
  return make(unit.source, line, result);
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

/** The entry for a result, without the parsed body (a report keeps entries, not bodies). */
function make(source: string, line: number | undefined, r: Omit<PayloadResult, 'body'>): ValidateEntry {
  const entry: ValidateEntry = { source, vendor: r.vendor, event: r.event, part: r.part, valid: r.valid, issues: r.issues };
  if (line !== undefined) entry.line = line;
  return entry;
}

// Re-exported so the library entry can offer the same engine.
export { validateText, validateValue };
