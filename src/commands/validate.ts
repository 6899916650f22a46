// `hookscope validate <paths...>`: validate saved payloads (files, directories, NDJSON logs,
// stdin) against each vendor's schema. Inputs are read as streams and each entry is handed on as
// it is checked, so a log of any size is validated in bounded memory; reporters render entries.
import { readTarget, listTargets, type InputOptions, type InputUnit } from '../files/inputs.js';
import { isProbeRecord, notRecordedReason, recordedText } from '../files/log-records.js';
import { isLogRecord, type LogRecord } from '../record/log-record.js';
import { resolveEvent, resolveVendor } from '../vendors/resolve.js';
import { validateText, validateValue, type PayloadResult, type ValidateOptions } from '../schema/validate.js';
import { scanJson } from '../json/scan.js';
import type { CommandIO } from '../cli/io.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { Issue } from '../schema/issues.js';
import { validateRenderer } from '../reporters/index.js';

export type ValidateFormat = 'pretty' | 'json' | 'junit' | 'github';

/** What the CLI passes: the command's options plus the output choices. */
export interface ValidateCliOptions extends Omit<ValidateCommandOptions, 'stdin' | 'signal' | 'onEntry' | 'onSkipped'> {
  format?: ValidateFormat;
  quiet?: boolean;
}

export async function run(options: ValidateCliOptions, io: CommandIO): Promise<ExitCodeValue> {
  const { format: asked, quiet, ...rest } = options;
  const format = asked ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'pretty');
  const renderer = await validateRenderer(format, { color: io.color, quiet });
  const out = batched(io.stdout);
  // junit's head carries the final counts: its entries wait in a spool (a temporary file once
  // large) until the end. The other formats write each entry as it is checked.
  const spool = renderer.headNeedsSummary ? new (await import('../files/spool.js')).Spool() : undefined;
  try {
    if (!spool) out.write(renderer.head(undefined));
    const report = await validate({
      ...rest,
      signal: io.signal,
      onEntry: (entry) => {
        const text = renderer.entry(entry);
        if (spool) spool.write(text);
        else out.write(text);
      },
      onSkipped: (s) => io.stderr.write(`hookscope: skipped ${s.source}: ${s.message}\n`),
    });
    if (spool) {
      out.write(renderer.head(report));
      out.flush();
      spool.copyTo(io.stdout);
    }
    out.write(renderer.tail(report));
    out.flush();
    return report.exitCode;
  } finally {
    spool?.close();
  }
}

/**
 * Writes joined into one per turn of the event loop (each chunk of a stream read), and at most
 * 64 KiB: one write per line would cost a system call each, and a live stream's results still
 * show as they are checked.
 */
function batched(stream: CommandIO['stdout']): { write(text: string): void; flush(): void } {
  let parts: string[] = [];
  let size = 0;
  let scheduled = false;
  const flush = () => {
    if (parts.length === 0) return;
    stream.write(parts.join(''));
    parts = [];
    size = 0;
  };
  return {
    write(text) {
      if (text.length === 0) return;
      parts.push(text);
      size += text.length;
      if (size >= 64 * 1024) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          flush();
        });
      }
    },
    flush,
  };
}

export interface ValidateCommandOptions {
  paths: string[];
  vendor?: string;
  event?: string;
  /** Validate bodies as the reply a receiver gives (synthflow call_inbound). */
  reply?: boolean;
  strict?: boolean;
  stdin?: InputOptions['stdin'];
  /** Stops reading when aborted (Ctrl-C): the report covers what was checked, and says so. */
  signal?: AbortSignal;
  /** Each entry as soon as it is checked. When given, the report keeps none (flat memory for any input). */
  onEntry?(entry: ValidateEntry): void;
  /** Each path passed over (a symlink loop) as it is found. */
  onSkipped?(skipped: { source: string; message: string }): void;
}

export interface ValidateEntry extends Omit<PayloadResult, 'body'> {
  source: string;
  /** Line in an NDJSON input. */
  line?: number;
  /** The path could not be read: counted apart, exit 2. */
  unreadable?: boolean;
}

export interface ValidateSummary {
  files: number;
  /** valid + invalid + notRecorded. */
  payloads: number;
  valid: number;
  invalid: number;
  warnings: number;
  unreadable: number;
  skipped: number;
  /** Logged requests whose body listen did not keep (over --max-body): nothing to check. */
  notRecorded?: number;
}

export interface ValidateReport {
  /** Every entry, unless `onEntry` took them as they came. */
  entries: ValidateEntry[];
  skipped: { source: string; message: string }[];
  summary: ValidateSummary;
  exitCode: ExitCodeValue;
  /** Stopped before the end (Ctrl-C, SIGTERM): why. The summary covers what was checked. */
  interrupted?: string;
}

/**
 * How often a long synchronous stretch (thousands of small files) lets signals through. Timed
 * with Date.now(): millisecond steps are enough here, and the global `performance` makes Node load
 * perf_hooks on first use, a start-up cost every validate run paid (issue #12).
 */
const TURN_EVERY_MS = 50;

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
  const summary: ValidateSummary = { files: 0, payloads: 0, valid: 0, invalid: 0, warnings: 0, unreadable: 0, skipped: 0, notRecorded: 0 };
  const { signal, onEntry } = options;
  let checked = 0;
  const take = (unit: Exclude<InputUnit, { kind: 'skipped' }>): void => {
    const entry = checkUnit(unit, opts);
    checked++;
    if (!entry) return;
    sources.add(entry.source);
    if (entry.unreadable) summary.unreadable++;
    else if (!entry.valid) summary.invalid++;
    else if (entry.issues[0]?.code === 'not-recorded') summary.notRecorded!++;
    else summary.valid++;
    for (let i = 0; i < entry.issues.length; i++) if (entry.issues[i]!.severity === 'warning') summary.warnings++;
    if (entry.omittedWarnings) summary.warnings += entry.omittedWarnings;
    if (onEntry) onEntry(entry);
    else entries.push(entry);
  };

  const readOptions: InputOptions = { stdin: options.stdin, signal };
  const targets = listTargets(options.paths);
  let lastTurn = Date.now();
  // Indexed loops: this runs once per file, mostly before V8 has optimised it.
  for (let t = 0; t < targets.length && !signal?.aborted; t++) {
    const target = targets[t]!;
    if (target.kind === 'skipped') {
      const s = { source: target.source, message: target.message };
      skipped.push(s);
      options.onSkipped?.(s);
      continue;
    }
    const read = readTarget(target, readOptions);
    if (Array.isArray(read)) {
      for (let u = 0; u < read.length; u++) take(read[u] as Exclude<InputUnit, { kind: 'skipped' }>);
      // Small files are read without waiting on the event loop: let Ctrl-C in now and then.
      if (signal && Date.now() - lastTurn > TURN_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastTurn = Date.now();
      }
    } else {
      for await (const batch of read) {
        for (let u = 0; u < batch.length && !signal?.aborted; u++) take(batch[u] as Exclude<InputUnit, { kind: 'skipped' }>);
        if (signal?.aborted) break;
      }
      lastTurn = Date.now();
    }
  }
  summary.files = sources.size;
  summary.payloads = summary.valid + summary.invalid + summary.notRecorded!;
  summary.skipped = skipped.length;
  const exitCode = summary.unreadable > 0 || (checked === 0 && options.paths.length > 0 && !signal?.aborted) ? ExitCode.usage : summary.invalid > 0 ? ExitCode.problem : ExitCode.ok;
  const report: ValidateReport = { entries, skipped, summary, exitCode };
  if (signal?.aborted) report.interrupted = signal.reason instanceof Error ? signal.reason.message : 'interrupted';
  return report;
}

/** The entry for one unit; none for a logged probe (a GET without a body is no payload). */
function checkUnit(unit: Exclude<InputUnit, { kind: 'skipped' }>, opts: ValidateOptions): ValidateEntry | undefined {
  const line = unit.line;
  if (unit.kind === 'unreadable') {
    const entry = make(unit.source, line, { valid: false, issues: [{ code: 'unreadable', severity: 'error', message: unit.message, line }] });
    entry.unreadable = true;
    return entry;
  }
  if (unit.kind === 'not-text') {
    return make(unit.source, line, { valid: false, issues: [{ code: unit.code, severity: 'error', message: unit.message, line }] });
  }
  // Whatever the file is called, a `listen` log record is judged by the body it recorded.
  const parsed = parseOrUndefined(unit.text);
  if (isLogRecord(parsed)) return isProbeRecord(parsed) ? undefined : make(unit.source, line, checkRecord(parsed, unit.text, line, opts));
  const result = parsed === undefined ? validateText(unit.text, opts) : validateValue(parsed, opts, unit.text);
  // Issues inside one NDJSON line point at that line of the file.
  if (line !== undefined) for (const issue of result.issues) issue.line = line;
  return make(unit.source, line, result);
}

/**
 * A listen record: its body's issues carry JSON paths, and point at the record's line (NDJSON) or
 * at its "body" field (a record saved on its own), since positions inside the escaped body string
 * are not positions in the file.
 */
function checkRecord(record: LogRecord, text: string, line: number | undefined, opts: ValidateOptions): Omit<PayloadResult, 'body'> {
  const omitted = notRecordedReason(record);
  if (omitted !== undefined) {
    const issue: Issue = { code: 'not-recorded', severity: opts.strict ? 'error' : 'warning', message: `body not recorded: ${omitted}`, line };
    return { valid: !opts.strict, issues: [issue] };
  }
  const body = recordedText(record);
  const result: Omit<PayloadResult, 'body'> =
    typeof body === 'string' ? validateText(body, { ...opts, headers: recordHeaders(record) }) : { valid: false, issues: [{ code: body.code, severity: 'error', message: `recorded body is ${body.message}` }] };
  if (result.issues.length === 0) return result;
  const at = line ?? scanJson(text.replace(/^\uFEFF/, ''), { paths: [['body']] }).positions.get('$.body')?.line;
  for (const issue of result.issues) {
    issue.line = at;
    delete issue.column;
    if (issue.code === 'invalid-json' || issue.code === 'empty') issue.message = `recorded body is ${issue.message}`;
  }
  return result;
}

/** A record's request headers as detection reads them (lower-case names, one value each): some vendors are recognised by them. */
function recordHeaders(record: LogRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers ?? {})) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
}

/** The entry for a result, without the parsed body (a report keeps entries, not bodies). */
function make(source: string, line: number | undefined, r: Omit<PayloadResult, 'body'>): ValidateEntry {
  const entry: ValidateEntry = { source, vendor: r.vendor, event: r.event, part: r.part, valid: r.valid, issues: r.issues };
  // Past the cap on issues kept, how many more there were (for "and N more").
  if (r.omittedIssues) entry.omittedIssues = r.omittedIssues;
  if (r.omittedWarnings) entry.omittedWarnings = r.omittedWarnings;
  if (line !== undefined) entry.line = line;
  return entry;
}

// Re-exported so the library entry can offer the same engine.
export { validateText, validateValue };
