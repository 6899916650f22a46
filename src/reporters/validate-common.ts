// What every validate reporter needs: where an issue is, the summary sentence, and the shape of
// a renderer (head, one piece per entry, tail), so that a log of any size is written as it is checked.
import type { ValidateEntry, ValidateReport, ValidateSummary } from '../commands/validate.js';
import type { Issue } from '../schema/issues.js';

export interface ValidateRenderer {
  /** junit: the head carries the final counts, so the entries wait (in a spool) until the end. */
  readonly headNeedsSummary: boolean;
  /** Written before the first entry; it gets the finished report only when headNeedsSummary. */
  head(report?: ValidateReport): string;
  entry(entry: ValidateEntry): string;
  tail(report: ValidateReport): string;
}

/** The whole report at once, from the renderer's pieces. */
export function renderWhole(renderer: ValidateRenderer, report: ValidateReport): string {
  const parts = [renderer.head(report)];
  for (const entry of report.entries) parts.push(renderer.entry(entry));
  parts.push(renderer.tail(report));
  return parts.join('');
}

/** `interrupted (Ctrl-C): …` when the run was stopped before the end. */
export function interruptedLine(report: ValidateReport): string | undefined {
  return report.interrupted ? `${report.interrupted}: stopped before the end; the summary covers what was checked until then` : undefined;
}

/** `file:line:col` (or as much of it as is known). */
export function location(entry: ValidateEntry, issue?: Issue): string {
  const line = issue?.line ?? entry.line;
  const col = issue?.line !== undefined ? issue.column : undefined;
  return [entry.source, line, col].filter((p) => p !== undefined).join(':');
}

/** `relyable test_run.completed` / `synthflow call_inbound (reply)` / `unknown`. */
export function label(entry: ValidateEntry): string {
  if (!entry.vendor) return entry.issues[0]?.code === 'not-recorded' ? 'not recorded' : 'unknown';
  return [entry.vendor, entry.event, entry.part === 'reply' ? '(reply)' : undefined].filter(Boolean).join(' ');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * `… and 9900 more issues not shown (1 error, 9899 warnings)`: a payload keeps its first 100
 * issues (src/schema/validate.ts); undefined when none were left out.
 */
export function moreLine(entry: ValidateEntry): string | undefined {
  const more = entry.omittedIssues ?? 0;
  if (more === 0) return undefined;
  const warnings = entry.omittedWarnings ?? 0;
  const kinds = [more - warnings ? plural(more - warnings, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
  return `… and ${plural(more, 'more issue')} not shown (${kinds})`;
}

/** Whether the issues left out include an error. */
export const moreErrors = (entry: ValidateEntry): boolean => (entry.omittedIssues ?? 0) > (entry.omittedWarnings ?? 0);

/** `3 files, 2 valid, 1 invalid, 1 warning` (+ payload count when NDJSON made them differ). */
export function summaryLine(s: ValidateSummary): string {
  const files = s.payloads + s.unreadable === s.files ? plural(s.files, 'file') : `${plural(s.files, 'file')} (${plural(s.payloads, 'payload')})`;
  const parts = [files, `${s.valid} valid`, `${s.invalid} invalid`];
  if (s.notRecorded) parts.push(`${s.notRecorded} not recorded`);
  parts.push(plural(s.warnings, 'warning'));
  if (s.unreadable) parts.push(`${s.unreadable} unreadable`);
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  return parts.join(', ');
}
