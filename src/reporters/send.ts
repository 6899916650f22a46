// Output for `hookscope send`: the request line, the reply (status, latency, headers, body)
// and the verdict, or the exact request and a curl command for --dry-run. Notes (fresh
// values, unsigned sends, assumptions) are chatter and go to stderr via `sendNotes`.
import { STATUS_CODES } from 'node:http';
import type { ChalkInstance } from 'chalk';
import { printable } from '../ui/terminal.js';
import { moreLine } from './validate-common.js';
import { nestingDepth, prettyJson, PRETTY_MAX_DEPTH } from '../json/display.js';
import type { SendResult } from '../commands/send.js';
import { formatIssue, type Issue } from '../schema/issues.js';

/** How much of a reply body the pretty output shows; --json carries everything kept. */
export const SHOW_REPLY_CHARS = 4000;

/** `--json`: one object; request headers as a name → value object (names are unique, in wire order). */
export function renderSendJson(result: SendResult): string {
  const { exitCode, request, ...rest } = result;
  const out = { ok: exitCode === 0, exitCode, ...rest, request: { ...request, headers: Object.fromEntries(request.headers) } };
  // The receiver's reply may nest deeply: indenting it would cost the square of its depth.
  const deep = nestingDepth(result.response?.body ?? '', PRETTY_MAX_DEPTH) > PRETTY_MAX_DEPTH;
  return `${JSON.stringify(out, null, deep ? undefined : 2)}\n`;
}

/** Lines for stderr: what the user should know but is not the result itself. */
export function sendNotes(result: SendResult): string {
  const lines = [...result.notes];
  // Say "sent" only when something went out: a dry run shows the request, a refused body sends nothing.
  const sent = !result.dryRun && result.failure?.kind !== 'invalid-body';
  if (!result.signing.signed) lines.unshift(`${result.signing.reason}; ${result.dryRun ? 'the request above is unsigned' : sent ? 'sent unsigned' : 'it would go unsigned'}`);
  return lines.map((l) => `hookscope: note: ${l}\n`).join('');
}

export function renderSend(result: SendResult, chalk: ChalkInstance): string {
  const out: string[] = [];
  const req = result.request;
  const label = `${result.vendor} ${result.event}`;

  if (result.failure?.kind === 'invalid-body') {
    out.push(`${chalk.red('✗')} ${label}: ${result.failure.message}`);
    out.push(...issueLines(result.validation?.issues ?? [], chalk, result.validation?.source));
    const more = result.validation && moreLine({ source: '', ...result.validation });
    if (more) out.push(`    ${chalk.dim(more)}`);
    return `${out.join('\n')}\n`;
  }

  if (result.dryRun) {
    out.push(`${req.method} ${req.url}`);
    for (const [name, value] of req.headers) out.push(`${name}: ${value}`);
    out.push('', req.body, '');
    out.push(chalk.dim(`# ${label}, ${req.bytes} bytes; ${signingLine(result)}`));
    out.push(chalk.dim('# the same request with curl:'));
    out.push(result.curl ?? '');
    return `${out.join('\n')}\n`;
  }

  out.push(`${chalk.bold('→')} POST ${req.url}  ${chalk.dim(`${label}, ${req.bytes} bytes, ${signingLine(result)}`)}`);
  const warnings = result.validation?.issues.filter((i) => i.severity === 'warning') ?? [];
  if (warnings.length) out.push(...issueLines(warnings, chalk, result.validation?.source));

  const res = result.response;
  if (res) {
    const text = STATUS_CODES[res.status] ?? '';
    const colour = res.status >= 200 && res.status < 300 ? chalk.green : res.status >= 300 && res.status < 400 ? chalk.yellow : chalk.red;
    out.push(`${chalk.bold('←')} ${colour(`${res.status}${text ? ` ${text}` : ''}`)}  ${chalk.dim(`${Math.round(res.latencyMs)} ms`)}`);
    for (const [name, value] of Object.entries(res.headers)) {
      for (const v of Array.isArray(value) ? value : [value]) out.push(chalk.dim(`  ${name}: ${printable(v)}`));
    }
    const shown = showBody(res.body, res.json, res.totalBytes);
    if (shown) out.push('', ...shown.split('\n').map((l) => `  ${l}`), '');
  }

  if (result.reply && !result.reply.empty && result.reply.issues.length) out.push(...issueLines(result.reply.issues, chalk));
  const d = result.deadline;
  if (d && (d.state !== 'ok' || result.reply)) {
    const mark = d.state === 'ok' ? chalk.green('✓') : d.state === 'warn' ? chalk.yellow('⚠') : chalk.red('✗');
    out.push(`${mark} ${d.message}`);
  }

  if (result.exitCode === 0) {
    out.push(`${chalk.green('✓')} accepted: ${result.verdict?.reason ?? 'delivered'}${result.reply?.valid ? '; the reply is what the vendor expects' : ''}`);
  } else {
    out.push(`${chalk.red('✗')} ${failureTitle(result)}: ${result.failure?.message ?? 'failed'}`);
    if (result.verdict && !result.verdict.accepted && result.verdict.provenance === 'assumed') {
      out.push(chalk.dim(`  (${result.vendor}'s success rule "${result.verdict.rule}" is an assumption: see hookscope vendors ${result.vendor})`));
    }
  }
  return `${out.join('\n')}\n`;
}

function signingLine(result: SendResult): string {
  const s = result.signing;
  return s.signed ? `signed (${s.header}, secret ${s.secret} from ${s.secretSource})` : 'unsigned';
}

function failureTitle(result: SendResult): string {
  switch (result.failure?.kind) {
    case 'rejected':
      return 'rejected';
    case 'redirect':
      return 'not delivered';
    case 'bad-reply':
      return 'bad reply';
    case 'late':
      return 'too late';
    default:
      return 'not delivered';
  }
}

function issueLines(issues: readonly Issue[], chalk: ChalkInstance, source?: string): string[] {
  return issues.map((issue) => {
    const where = issue.line !== undefined ? chalk.dim(`${[source, issue.line, issue.column].filter((p) => p !== undefined).join(':')}  `) : '';
    const sev = issue.severity === 'error' ? chalk.red('error  ') : chalk.yellow('warning');
    return `    ${where}${sev}  ${formatIssue(issue)}  ${chalk.dim(issue.code)}`;
  });
}


/** Pretty JSON when the reply is JSON, else the text; cut with a note past SHOW_REPLY_CHARS. */
function showBody(body: string, json: unknown, totalBytes: number): string {
  if (totalBytes === 0) return '(empty body)';
  const text = printable(json !== undefined ? prettyJson(body) : body);
  if (text.length <= SHOW_REPLY_CHARS && Buffer.byteLength(body) === totalBytes) return text;
  return `${text.slice(0, SHOW_REPLY_CHARS)}\n… (${totalBytes} bytes in all; showing the first ${SHOW_REPLY_CHARS} characters, --json carries up to 1 MiB)`;
}
