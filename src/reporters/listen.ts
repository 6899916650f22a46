// The live feed of `hookscope listen`: one entry per request, and the summary on Ctrl-C.
import type { ChalkInstance } from 'chalk';
import { printable } from '../ui/terminal.js';
import type { ListenerStats } from '../listen/listener.js';
import { formatIssue } from '../schema/issues.js';
import type { ListenRecord } from '../record/log-record.js';

const SHOW_ISSUES = 3;
const VERBOSE_BODY_CHARS = 8000;

export function feedEntry(r: ListenRecord, chalk: ChalkInstance, verbose = false): string {
  const time = r.time.slice(11, 19);
  const status = r.response.status < 300 ? chalk.green(String(r.response.status)) : chalk.red(String(r.response.status));
  const what = r.vendor ? `${r.vendor} ${r.event ?? '(unknown event)'}${r.part === 'reply' ? ' (reply)' : ''}` : chalk.yellow('unrecognised');
  const head = `${chalk.dim(time)}  ${r.method} ${printable(r.path)}  ${chalk.bold(what)}  → ${status}${r.response.delayMs ? chalk.dim(` after ${r.response.delayMs} ms`) : ''}`;
  const lines = [head];
  const facts = [signatureText(r, chalk), schemaText(r, chalk)];
  if (r.duplicate) facts.push(chalk.yellow(`duplicate: attempt ${r.duplicate.attempt}, ${seconds(r.duplicate.sinceFirstMs)} after the first`));
  lines.push(`    ${facts.join('  ')}`);
  if (r.summary) lines.push(`    ${chalk.cyan(printable(r.summary))}`);
  for (const issue of r.schema.issues.slice(0, SHOW_ISSUES)) {
    lines.push(`      ${issue.severity === 'error' ? chalk.red('error') : chalk.yellow('warning')}  ${printable(formatIssue(issue))}`);
  }
  if (r.schema.issues.length > SHOW_ISSUES) lines.push(chalk.dim(`      … ${r.schema.issues.length - SHOW_ISSUES} more in the log`));
  if (r.forward) {
    const f = r.forward;
    lines.push(
      f.error
        ? `    ${chalk.red('forward failed')}: ${f.error} ${chalk.dim(`(${f.latencyMs} ms; the sender got ${r.response.status})`)}`
        : `    forwarded → ${f.status! < 300 ? chalk.green(String(f.status)) : chalk.red(String(f.status))} ${chalk.dim(`${f.latencyMs} ms`)}${f.bodyPreview ? `  ${chalk.dim(printable(f.bodyPreview.replace(/\s+/g, ' ').slice(0, 80)))}` : ''}`,
    );
  }
  if (verbose) {
    for (const [name, value] of Object.entries(r.headers)) lines.push(chalk.dim(`    ${name}: ${printable(String(value))}`));
    lines.push(...bodyLines(r).map((l) => `    ${l}`));
  }
  return `${lines.join('\n')}\n`;
}

function signatureText(r: ListenRecord, chalk: ChalkInstance): string {
  const s = r.signature;
  switch (s.state) {
    case 'valid':
      return chalk.green('✓ signature valid');
    case 'invalid':
      return chalk.red(`✗ signature invalid: ${s.reason ?? ''}`);
    case 'no-secret':
      return chalk.yellow('? signature not checked: no secret configured');
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
    default:
      return chalk.red(r.bodyOmitted ? `✗ body not kept: ${r.bodyBytes} bytes is over the limit` : '✗ not JSON');
  }
}

/** The body as received: pretty JSON when it parses, text otherwise, hex for binary. */
function bodyLines(r: ListenRecord): string[] {
  if (r.bodyOmitted) return [`(body of ${r.bodyBytes} bytes not kept)`];
  if (r.bodyEncoding === 'base64') {
    const bytes = Buffer.from(r.body, 'base64');
    const hex = bytes.subarray(0, 64).toString('hex').replace(/(..)/g, '$1 ').trim();
    return [`(${bytes.length} bytes, not UTF-8) ${hex}${bytes.length > 64 ? ' …' : ''}`];
  }
  let text = r.body;
  try {
    text = JSON.stringify(JSON.parse(r.body), null, 2);
  } catch {
    // shown as received
  }
  if (text.length > VERBOSE_BODY_CHARS) text = `${text.slice(0, VERBOSE_BODY_CHARS)}\n… (${r.bodyBytes} bytes in all; the whole body is in the log)`;
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
  const out = [`hookscope listen: ${stats.requests} request${stats.requests === 1 ? '' : 's'} in ${seconds(now - stats.started)}${stats.badHttp ? `, ${stats.badHttp} rejected as malformed or too slow HTTP` : ''}`];
  if (rows.length) out.push(fmt(head), ...body.map(fmt));
  out.push(logPath ? `log: ${logPath}` : 'log: off (--no-log)');
  return `${out.join('\n')}\n`;
}
