// Output for the call player (`send <vendor> call`): one timeline line per step as it is sent
// (with the reply's problems under it), then a closing line; or, with --json, one NDJSON record
// per step and a summary record.
import type { ChalkInstance } from 'chalk';
import type { CallReport, CallStep } from '../commands/call.js';
import { formatIssue } from '../schema/issues.js';
import { printable } from '../ui/terminal.js';
import { formatDuration } from '../delivery/schedule.js';

const STEP_WIDTH = 28;

/** `  +2.8 s  status-update:in-progress   → 200  4 ms  ✓ …` and the reply's issues, indented. */
export function callStepLine(s: CallStep, chalk: ChalkInstance): string {
  const r = s.result;
  const at = chalk.dim(`+${formatDuration(s.plannedMs)}`.padEnd(9));
  const name = s.step.padEnd(STEP_WIDTH);
  const status = r.response ? (r.response.status < 300 ? chalk.green(String(r.response.status)) : chalk.red(String(r.response.status))) : chalk.red('---');
  const latency = r.response ? chalk.dim(`${Math.round(r.response.latencyMs)} ms`) : '';
  const verdict = s.ok ? `${chalk.green('✓')}${verdictNote(s)}` : `${chalk.red('✗')} ${printable(r.failure?.message ?? 'failed')}`;
  const lines = [`  ${at} ${name} → ${status} ${latency}  ${verdict}`];
  // A status step's label already says what its summary would (status-update:ringing).
  if (s.summary && !s.step.endsWith(`:${s.summary}`)) lines.push(`  ${' '.repeat(9)} ${chalk.cyan(printable(s.summary))}`);
  const issues = [...(r.validation?.issues.filter((i) => i.severity === 'error') ?? []), ...(r.reply?.issues ?? [])];
  for (const issue of issues.slice(0, 8)) lines.push(`  ${' '.repeat(9)}   ${issue.severity === 'error' ? chalk.red('error  ') : chalk.yellow('warning')}  ${printable(formatIssue(issue))}  ${chalk.dim(issue.code)}`);
  if (issues.length > 8) lines.push(chalk.dim(`  ${' '.repeat(9)}   … ${issues.length - 8} more (--json has them)`));
  return `${lines.join('\n')}\n`;
}

/** For a step that passed: the reply and deadline verdict, when there is one to give. */
function verdictNote(s: CallStep): string {
  const r = s.result;
  const parts: string[] = [];
  if (r.reply) parts.push('reply as expected');
  if (r.deadline && (r.deadline.state !== 'ok' || r.reply)) parts.push(r.deadline.message);
  return parts.length ? ` ${parts.join('; ')}` : '';
}

/** The line before the timeline: which call, where, how fast. */
export function callHead(call: { vendor: string; callId: string; url: string; steps: number; speed: number | 'max' }, chalk: ChalkInstance): string {
  return `${chalk.bold(`call ${call.callId}`)} ${chalk.dim(`(${call.vendor}, ${call.steps} steps to ${call.url}${call.speed === 1 ? '' : `, speed ${call.speed}`})`)}\n`;
}

/** The closing line: every step answered as the vendor expects, or how many failed. */
export function renderCall(report: CallReport, chalk: ChalkInstance): string {
  const failed = report.steps.filter((s) => !s.ok).length;
  const end = report.interrupted
    ? chalk.yellow(`⚠ stopped after ${report.steps.length} steps: ${report.interrupted}`)
    : failed
      ? chalk.red(`✗ ${failed} of ${report.steps.length} steps failed`)
      : chalk.green(`✓ all ${report.steps.length} steps answered as ${report.vendor} expects`);
  return `${end}\n`;
}

/** One NDJSON record per step: what was sent (event, call id) and how it was judged. */
export function callStepRecord(s: CallStep): string {
  const r = s.result;
  return `${JSON.stringify({
    type: 'step',
    index: s.index,
    of: s.of,
    step: s.step,
    event: s.event,
    plannedMs: s.plannedMs,
    actualMs: Math.round(s.actualMs),
    ...(s.summary ? { summary: s.summary } : {}),
    ok: s.ok,
    request: { url: r.request.url, bytes: r.request.bytes, body: safeJson(r.request.body) },
    signing: r.signing,
    ...(r.response ? { status: r.response.status, latencyMs: Math.round(r.response.latencyMs) } : {}),
    ...(r.verdict ? { verdict: r.verdict } : {}),
    ...(r.reply ? { reply: r.reply } : {}),
    ...(r.deadline ? { deadline: r.deadline } : {}),
    ...(r.failure ? { failure: r.failure } : {}),
    ...(r.validation && !r.validation.valid ? { validation: r.validation } : {}),
  })}\n`;
}

export function callSummaryRecord(report: CallReport): string {
  return `${JSON.stringify({
    type: 'call',
    vendor: report.vendor,
    callId: report.callId,
    url: report.url,
    speed: report.speed,
    steps: report.steps.length,
    failed: report.steps.filter((s) => !s.ok).map((s) => s.step),
    ok: report.exitCode === 0,
    exitCode: report.exitCode,
    ...(report.interrupted ? { interrupted: report.interrupted } : {}),
  })}\n`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
