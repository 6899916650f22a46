// What every validate reporter needs: where an issue is, and the summary sentence.
import type { ValidateEntry, ValidateSummary } from '../commands/validate.js';
import type { Issue } from '../schema/issues.js';

/** `file:line:col` (or as much of it as is known). */
export function location(entry: ValidateEntry, issue?: Issue): string {
  const line = issue?.line ?? entry.line;
  const col = issue?.line !== undefined ? issue.column : undefined;
  return [entry.source, line, col].filter((p) => p !== undefined).join(':');
}

/** `relyable test_run.completed` / `synthflow call_inbound (reply)` / `unknown`. */
export function label(entry: ValidateEntry): string {
  if (!entry.vendor) return 'unknown';
  return [entry.vendor, entry.event, entry.part === 'reply' ? '(reply)' : undefined].filter(Boolean).join(' ');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `3 files, 2 valid, 1 invalid, 1 warning` (+ payload count when NDJSON made them differ). */
export function summaryLine(s: ValidateSummary): string {
  const files = s.payloads + s.unreadable === s.files ? plural(s.files, 'file') : `${plural(s.files, 'file')} (${plural(s.payloads, 'payload')})`;
  const parts = [files, `${s.valid} valid`, `${s.invalid} invalid`, plural(s.warnings, 'warning')];
  if (s.unreadable) parts.push(`${s.unreadable} unreadable`);
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  return parts.join(', ');
}
