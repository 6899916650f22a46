// The live feed of `hookscope listen`: one entry per request, and the summary on Ctrl-C.
import type { ChalkInstance } from 'chalk';
import { printable } from '../ui/terminal.js';
import { prettyJson } from '../json/display.js';
import type { ListenerStats } from '../listen/listener.js';
import type { Call, CallTracker } from '../listen/calls.js';
import { formatIssue } from '../schema/issues.js';
import type { ListenRecord } from '../record/log-record.js';

const SHOW_ISSUES = 3;
const VERBOSE_BODY_CHARS = 8000;
/** How much of a forwarded app's answer a feed entry shows without --verbose. */
const ANSWER_PREVIEW_CHARS = 80;

export interface FeedOptions {
  /** Headers and bodies (the request's and the forwarded app's answer), whole up to a cap. */
  verbose?: boolean;
  /** The terminal's width: every line is cut to it (with …). Undefined: not a terminal, no cut. */
  width?: number;
  /** Whether the request is in a log (what a cut body points to). */
  logged?: boolean;
}

export function feedEntry(r: ListenRecord, chalk: ChalkInstance, options: FeedOptions = {}): string {
  const { verbose = false, width, logged = true } = options;
  const time = r.time.slice(11, 19);
  const status = r.response.status < 300 ? chalk.green(String(r.response.status)) : chalk.red(String(r.response.status));
  const what = r.probe ? chalk.dim('probe (no body)') : r.vendor ? `${r.vendor} ${r.event ?? '(unknown event)'}${r.part === 'reply' ? ' (reply)' : ''}` : chalk.yellow('unrecognised');
  const after = r.response.delayMs ? chalk.dim(` after ${r.response.delayMs} ms`) : '';
  const by = r.response.rule ? chalk.dim(` (rule: ${r.response.rule})`) : '';
  const lines = [`${chalk.dim(time)}  ${r.method} ${printable(r.path)}  ${chalk.bold(what)}  → ${status}${after}${by}`];
  /** --verbose lines: wrapped to the width, never cut. */
  const full: string[] = [];
  if (!r.probe) {
    const facts = [signatureText(r, chalk), schemaText(r, chalk)];
    if (r.duplicate) facts.push(chalk.yellow(`duplicate: attempt ${r.duplicate.attempt}, ${seconds(r.duplicate.sinceFirstMs)} after the first`));
    lines.push(`    ${facts.join('  ')}`);
  }
  if (r.summary) lines.push(`    ${chalk.cyan(printable(r.summary))}`);
  for (const issue of r.schema.issues.slice(0, SHOW_ISSUES)) {
    lines.push(`      ${issue.severity === 'error' ? chalk.red('error') : chalk.yellow('warning')}  ${printable(formatIssue(issue))}`);
  }
  const inRecord = Math.max(0, r.schema.issues.length - SHOW_ISSUES);
  const notKept = notKeptIssues(r.schema);
  if (inRecord > 0 || notKept > 0) {
    const more = inRecord > 0 ? [`${inRecord} more${logged ? ' in the log' : ' (--json has them)'}`] : [];
    if (notKept > 0) more.push(`${notKept} more not kept`);
    lines.push(chalk.dim(`      … ${more.join(', and ')}`));
  }
  if (r.forward) {
    const f = r.forward;
    if (f.error) {
      lines.push(`    ${chalk.red('forward failed')}: ${f.error} ${chalk.dim(`(${f.latencyMs} ms; the sender got ${r.response.status})`)}`);
    } else {
      const answer = f.body === undefined ? '' : f.bodyEncoding === 'base64' ? `(${f.bodyBytes ?? 0} bytes, not text)` : f.body;
      const oneLine = printable(answer.replace(/\s+/g, ' ').trim());
      const preview = verbose || oneLine.length <= ANSWER_PREVIEW_CHARS ? '' : `${oneLine.slice(0, ANSWER_PREVIEW_CHARS - 1)}…`;
      lines.push(`    forwarded → ${f.status! < 300 ? chalk.green(String(f.status)) : chalk.red(String(f.status))} ${chalk.dim(`${f.latencyMs} ms`)}${oneLine && !verbose ? `  ${chalk.dim(preview || oneLine)}` : ''}`);
      const v = f.verdict;
      if (v) {
        if (v.reply && !v.reply.valid) {
          lines.push(`    ${chalk.red(`✗ ${printable(v.reply.explanation ?? 'the reply breaks the contract')}`)}`);
          for (const issue of v.reply.issues.slice(0, SHOW_ISSUES)) lines.push(`      ${issue.severity === 'error' ? chalk.red('error') : chalk.yellow('warning')}  ${printable(formatIssue(issue))}`);
        } else if (!v.accepted && v.deadline?.state !== 'late') {
          lines.push(`    ${chalk.red(`✗ ${printable(v.reason)}`)}`);
        } else if (v.reply?.valid) {
          // What the vendor tolerates (Vapi's {messageResponse} wrapper) is said under the tick.
          const warnings = v.reply.issues.filter((i) => i.severity === 'warning');
          lines.push(`    ${warnings.length ? chalk.yellow('✓ the reply is accepted, with warnings') : chalk.green('✓ the reply is what the vendor expects')}`);
          for (const issue of warnings.slice(0, SHOW_ISSUES)) lines.push(`      ${chalk.yellow('warning')}  ${printable(formatIssue(issue))}`);
        }
        if (v.deadline && v.deadline.state !== 'ok') lines.push(`    ${v.deadline.state === 'late' ? chalk.red(`✗ ${v.deadline.message}`) : chalk.yellow(`⚠ ${v.deadline.message}`)}`);
      }
      if (verbose && f.body !== undefined) full.push(...answerLines(f).map((l) => `      ${l}`));
    }
  }
  if (verbose) {
    for (const [name, value] of Object.entries(r.headers)) full.push(`    ${name}: ${printable(String(value))}`);
    full.push(...bodyLines(r, logged).map((l) => `    ${l}`));
  }
  // Entry lines are cut to the terminal's width; headers and bodies (--verbose) are wrapped, never cut.
  const shown = width ? lines.map((l) => fit(l, width)) : lines;
  const wrapped = width ? full.flatMap((l) => wrap(l, width)) : full;
  return `${[...shown, ...wrapped].join('\n')}\n`;
}

/**
 * Issues a record counts but does not hold: a record keeps the first 10 of a body's issues, and
 * validation the first 100 (`omittedIssues`, when the record carries the count).
 */
function notKeptIssues(schema: ListenRecord['schema']): number {
  return 'omittedIssues' in schema && typeof schema.omittedIssues === 'number' ? schema.omittedIssues : 0;
}

/** The forwarded app's answer, whole (as kept: up to 1 MiB), pretty when it is JSON. */
function answerLines(f: NonNullable<ListenRecord['forward']>): string[] {
  if (f.bodyEncoding === 'base64') return [`(${f.bodyBytes ?? 0} bytes, not UTF-8) ${hexPreview(Buffer.from(f.body ?? '', 'base64'))}`];
  const text = prettyJson(f.body ?? '');
  const out = printable(text).split('\n');
  if (f.truncated) out.push(`… (${f.bodyBytes} bytes in all; the first 1 MiB is kept)`);
  return out;
}

/** Hard-wrap a plain line to `width`, continuing under its indentation. */
export function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = /^ */.exec(line)![0].slice(0, Math.max(0, width - 10));
  const room = Math.max(10, width - indent.length);
  const out = [line.slice(0, width)];
  for (let i = width; i < line.length; i += room) out.push(indent + line.slice(i, i + room));
  return out;
}

const ANSI = /\x1b\[[0-9;]*m/y;

/** Cut a line to `width` visible characters (escape sequences kept, not counted), marking the cut with …. */
export function fit(line: string, width: number): string {
  if (line.length <= width) return line;
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; ) {
    ANSI.lastIndex = i;
    const esc = ANSI.exec(line);
    if (esc) {
      out += esc[0];
      i += esc[0].length;
      continue;
    }
    const cp = line.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (visible === width - 1) {
      // Is there more visible text after this character?
      const rest = line.slice(i + ch.length).replace(/\x1b\[[0-9;]*m/g, '');
      if (rest.length > 0) return `${out}…${line.includes('\x1b[') ? '\x1b[0m' : ''}`;
    }
    out += ch;
    visible++;
    i += ch.length;
  }
  return out;
}

function signatureText(r: ListenRecord, chalk: ChalkInstance): string {
  const s = r.signature;
  // Vendors with several authentication modes (Vapi): which one was checked.
  const mode = s.mode ? ` (${printable(s.mode)} mode)` : '';
  switch (s.state) {
    case 'valid':
      return chalk.green(`✓ signature valid${mode}${s.url ? ` (for ${printable(s.url)})` : ''}`) + (s.detail ? chalk.yellow(` (${printable(s.detail)})`) : '');
    case 'invalid':
      return chalk.red(`✗ signature invalid${mode}: ${printable(s.reason ?? '')}${s.url ? ` (checked for ${printable(s.url)}, from ${s.urlFrom})` : ''}`);
    case 'no-secret':
      return chalk.yellow(`? signature not checked${mode}: no secret configured`);
    case 'unsigned':
      return chalk.dim(`· unsigned${s.reason ? ` (${s.reason})` : ''}`);
    default:
      return chalk.dim('· signature not checked');
  }
}

function schemaText(r: ListenRecord, chalk: ChalkInstance): string {
  switch (r.schema.state) {
    case 'valid':
      return chalk.green('✓ schema valid');
    case 'drift':
      return chalk.yellow('⚠ schema drift: the vendor may have changed its payload');
    case 'invalid':
      return chalk.red('✗ schema invalid');
    case 'undetected':
      return chalk.yellow('? not recognised as any vendor event');
    case 'probe':
      return chalk.dim('· a probe: not a payload');
    default:
      if (r.bodyOmitted === 'over-budget') return chalk.red('✗ body not kept: too many bodies in flight; answered 503 so the sender retries');
      return chalk.red(r.bodyOmitted ? `✗ body not kept: ${r.bodyBytes} bytes is over the limit` : '✗ not JSON');
  }
}

function hexPreview(bytes: Buffer): string {
  const hex = bytes.subarray(0, 64).toString('hex').replace(/(..)/g, '$1 ').trim();
  return `${hex}${bytes.length > 64 ? ' …' : ''}`;
}

/** The body as received: pretty JSON when it parses, text otherwise, hex for binary or control-heavy bytes. */
function bodyLines(r: ListenRecord, logged: boolean): string[] {
  if (r.bodyOmitted) return [`(body of ${r.bodyBytes} bytes not kept)`];
  if (r.bodyEncoding === 'base64') {
    const bytes = Buffer.from(r.body, 'base64');
    return [`(${bytes.length} bytes, logged as base64: not UTF-8 text, or mostly control characters) ${hexPreview(bytes)}`];
  }
  let text = prettyJson(r.body);
  if (text.length > VERBOSE_BODY_CHARS) text = `${text.slice(0, VERBOSE_BODY_CHARS)}\n… (${r.bodyBytes} bytes in all; ${logged ? 'the whole body is in the log' : 'not logged (--no-log); --json prints it whole'})`;
  return printable(text).split('\n');
}


const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

export function listenSummary(stats: ListenerStats, logPath: string | undefined, now = Date.now()): string {
  const rows = [...stats.byEvent].sort(([a], [b]) => a.localeCompare(b));
  const head = ['vendor event', 'requests', 'sig ok', 'sig bad', 'unsigned', 'unchecked', 'valid', 'invalid', 'drift', 'duplicates'];
  const body = rows.map(([key, r]) => [
    key,
    r.requests,
    r.sig.valid ?? 0,
    r.sig.invalid ?? 0,
    r.sig.unsigned ?? 0,
    (r.sig['no-secret'] ?? 0) + (r.sig['not-checked'] ?? 0),
    r.schema.valid ?? 0,
    (r.schema.invalid ?? 0) + (r.schema['not-json'] ?? 0) + (r.schema.undetected ?? 0),
    r.schema.drift ?? 0,
    r.duplicates,
  ].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => `  ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  const notes = [
    stats.badHttp ? `${stats.badHttp} rejected as malformed or too slow HTTP` : '',
    stats.overBudget ? `${stats.overBudget} answered 503 (too many bodies in flight; senders retry)` : '',
  ].filter(Boolean);
  const out = [`hookscope listen: ${stats.requests} request${stats.requests === 1 ? '' : 's'} in ${seconds(now - stats.started)}${notes.map((n) => `, ${n}`).join('')}`];
  if (rows.length) out.push(fmt(head), ...body.map(fmt));
  out.push(logPath ? `log: ${logPath}` : 'log: off (--no-log)');
  return `${out.join('\n')}\n`;
}

/** `--group call`: a feed entry under its call (a header line for a call's first event), and what is out of order. */
export function callLines(call: Call, notes: readonly string[], entry: string, chalk: ChalkInstance): string {
  const head = call.events.length === 1 ? `${chalk.bold(`── call ${printable(call.callId)}`)} ${chalk.dim(`(${call.vendor})`)}\n` : '';
  const indented = entry.replace(/^/gm, '  ').replace(/ +$/, '');
  const warned = notes.map((n) => `  ${chalk.yellow(`⚠ ${printable(n)}`)}\n`).join('');
  return `${head}${indented}${warned}`;
}

/** At Ctrl-C with --group call: each call, its steps in order, and what is missing or out of order. */
export function callsSummary(tracker: CallTracker, chalk: ChalkInstance): string {
  const calls = tracker.all();
  if (calls.length === 0) return 'calls: none followed (no request carried a call id)\n';
  const out = [`calls: ${calls.length}`];
  for (const call of calls) {
    const missing = tracker.missing(call);
    const flagged = missing.length > 0 || call.outOfOrder.length > 0;
    out.push(`  ${flagged ? chalk.yellow('⚠') : chalk.green('✓')} ${printable(call.callId)} (${call.vendor}): ${call.events.map((e) => e.step).join(' → ')}${call.ended ? '' : chalk.dim(' (not ended)')}`);
    for (const m of missing) out.push(`      ${chalk.yellow(`missing after the call ended: ${m}`)}`);
    for (const o of call.outOfOrder) out.push(`      ${chalk.yellow(`out of order: ${printable(o)}`)}`);
  }
  return `${out.join('\n')}\n`;
}
