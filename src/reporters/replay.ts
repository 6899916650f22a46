// Output for `hookscope replay`: a line per attempt as it happens (stderr, or NDJSON on stdout
// with --json), then a timeline per event and a final table. On a terminal the attempt lines
// were already shown as they happened: the timeline then keeps only each event's head and end.
import type { ChalkInstance } from 'chalk';
import type { ReplayAttempt, ReplayEventReport, ReplayReport } from '../commands/replay.js';
import type { ReplayItem } from '../delivery/replay-items.js';
import { formatDuration } from '../delivery/schedule.js';

const label = (item: ReplayItem) => `${item.vendor.id} ${item.event ?? '(unknown event)'}`;
const offset = (ms: number) => `+${formatDuration(ms)}`;

function outcome(a: ReplayAttempt): string {
  const r = a.result;
  if (r.success) return `${r.status} in ${Math.round(r.latencyMs)} ms: delivered`;
  return `${r.status ?? 'no answer'}${r.status ? ` in ${Math.round(r.latencyMs)} ms` : ''}: ${r.failure?.message ?? 'failed'}`;
}

/** A progress line for one attempt (stderr, as it happens). */
export function attemptLine(item: ReplayItem, a: ReplayAttempt): string {
  return `hookscope: ${label(item)} (${item.source}) attempt ${a.attempt}/${a.of} at ${offset(a.actualMs)}: ${outcome(a)}\n`;
}

/** A progress line when a timeline starts a wait of a second or more. */
export function waitLine(item: ReplayItem, next: number, waitMs: number): string {
  return `hookscope: ${label(item)} (${item.source}) attempt ${next} in ${formatDuration(waitMs)}\n`;
}

/** One NDJSON record per attempt. */
export function attemptRecord(item: ReplayItem, a: ReplayAttempt): string {
  return `${JSON.stringify({
    kind: 'hookscope.replay.attempt',
    index: item.index,
    source: item.source,
    vendor: item.vendor.id,
    event: item.event,
    attempt: a.attempt,
    of: a.of,
    plannedMs: a.plannedMs,
    scheduledMs: a.scheduledMs,
    actualMs: round(a.actualMs),
    atMs: round(a.atMs),
    deviationMs: round(a.actualMs - a.scheduledMs),
    status: a.result.status,
    latencyMs: round(a.result.latencyMs),
    success: a.result.success,
    failure: a.result.failure,
  })}\n`;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export function replaySummaryRecord(report: ReplayReport): string {
  const { delivered, failed, unfinished } = counts(report);
  return `${JSON.stringify({
    kind: 'hookscope.replay.summary',
    url: report.url,
    speed: report.speed,
    events: report.events.length,
    delivered,
    failed,
    interruptedEvents: unfinished,
    passedOver: report.passedOver.length,
    interrupted: report.interrupted !== undefined,
    exitCode: report.exitCode,
  })}\n`;
}

/** Delivered, ran out of attempts, or stopped (Ctrl-C) before either. */
function counts(report: ReplayReport): { delivered: number; failed: number; unfinished: number } {
  let delivered = 0;
  let unfinished = 0;
  for (const e of report.events) {
    if (e.succeeded) delivered++;
    else if (e.interrupted) unfinished++;
  }
  return { delivered, failed: report.events.length - delivered - unfinished, unfinished };
}

function scheduleText(e: ReplayEventReport): string {
  const n = e.schedule.delaysMs.length;
  const span = e.schedule.delaysMs.slice(1).reduce((a, b) => a + b, 0);
  const what = `${n} attempt${n === 1 ? '' : 's'}${n > 1 ? ` over ${formatDuration(span)}` : ''}`;
  if (e.schedule.provenance === 'override') return `${what} (${e.schedule.note})`;
  if (e.schedule.provenance === 'assumed') return `${what} (ASSUMPTION: ${e.item.vendor.id} documents no retry schedule; set --schedule)`;
  return `${what} (${e.schedule.provenance})`;
}

export interface RenderOptions {
  /** List each attempt under its event (default); false when they were shown as they happened. */
  attempts?: boolean;
}

export function renderReplay(report: ReplayReport, chalk: ChalkInstance, options: RenderOptions = {}): string {
  const out: string[] = [];
  const compressed = report.speed !== 1;
  for (const e of report.events) {
    out.push(`${chalk.bold(label(e.item))}  ${chalk.dim(e.item.source)}  ${chalk.dim(`${e.item.signing}; ${scheduleText(e)}`)}`);
    for (const a of options.attempts === false ? [] : e.attempts) {
      const planned = `planned ${offset(a.plannedMs)}${compressed && a.attempt > 1 ? ` (${offset(a.scheduledMs)} at --speed ${report.speed})` : ''}`;
      const mark = a.result.success ? chalk.green('✓') : chalk.red('✗');
      out.push(`  ${mark} #${a.attempt}  ${planned}  actual ${offset(a.actualMs)}  ${outcome(a)}`);
    }
    const tried = `${e.attempts.length} attempt${e.attempts.length === 1 ? '' : 's'}`;
    if (e.interrupted) out.push(chalk.yellow(`  interrupted after ${tried} of ${e.schedule.delaysMs.length}`));
    else if (!e.succeeded) out.push(chalk.red(`  gave up after ${tried}: the vendor would mark this delivery failed`));
    out.push('');
  }
  const result = (e: ReplayEventReport) => (e.succeeded ? `delivered on attempt ${e.attempts.length}` : e.interrupted ? 'interrupted' : 'failed');
  const rows = report.events.map((e) => [label(e.item), e.item.source, `${e.attempts.length}/${e.schedule.delaysMs.length}`, result(e)]);
  const head = ['event', 'source', 'attempts', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out.push(chalk.dim(fmt(head)), ...rows.map(fmt), '');
  const { delivered, failed, unfinished } = counts(report);
  const passed = report.passedOver.length ? `; ${report.passedOver.length} input${report.passedOver.length === 1 ? '' : 's'} passed over` : '';
  out.push((failed ? chalk.red : unfinished ? chalk.yellow : chalk.green)(`${report.events.length} event${report.events.length === 1 ? '' : 's'}: ${delivered} delivered, ${failed} failed${unfinished ? `, ${unfinished} interrupted` : ''}${passed}`));
  if (report.interrupted) out.push(chalk.yellow(`${report.interrupted}: stopped before the end; nothing more was sent`));
  return `${out.join('\n')}\n`;
}
