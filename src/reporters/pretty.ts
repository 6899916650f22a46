// Human output for validate: one line per payload, its issues indented under it, a summary.
import type { ChalkInstance } from 'chalk';
import type { ValidateReport } from '../commands/validate.js';
import { formatIssue } from '../schema/issues.js';
import { label, location, summaryLine } from './validate-common.js';

export interface PrettyOptions {
  chalk: ChalkInstance;
  /** Only payloads with issues. */
  quiet?: boolean;
}

export function renderPretty(report: ValidateReport, { chalk, quiet }: PrettyOptions): string {
  const out: string[] = [];
  for (const entry of report.entries) {
    const errors = entry.issues.filter((i) => i.severity === 'error').length;
    const warnings = entry.issues.length - errors;
    if (quiet && entry.issues.length === 0) continue;
    const mark = entry.unreadable ? chalk.red('!') : !entry.valid ? chalk.red('✗') : warnings ? chalk.yellow('⚠') : chalk.green('✓');
    const where = entry.line !== undefined ? `${entry.source}:${entry.line}` : entry.source;
    out.push(`${mark} ${where}  ${chalk.dim(entry.unreadable ? 'unreadable' : label(entry))}`);
    for (const issue of entry.issues) {
      const sev = issue.severity === 'error' ? chalk.red('error  ') : chalk.yellow('warning');
      out.push(`    ${chalk.dim(location(entry, issue))}  ${sev}  ${formatIssue(issue)}  ${chalk.dim(issue.code)}`);
    }
  }
  if (out.length) out.push('');
  const s = report.summary;
  const colour = s.unreadable || s.invalid ? chalk.red : s.warnings ? chalk.yellow : chalk.green;
  out.push(colour(summaryLine(s)));
  return `${out.join('\n')}\n`;
}
