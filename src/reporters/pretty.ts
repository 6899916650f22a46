// Human output for validate: one line per payload, its issues indented under it, a summary.
import type { ChalkInstance } from 'chalk';
import type { ValidateReport } from '../commands/validate.js';
import { formatIssue } from '../schema/issues.js';
import { interruptedLine, label, location, moreLine, renderWhole, summaryLine, type ValidateRenderer } from './validate-common.js';

export interface PrettyOptions {
  chalk: ChalkInstance;
  /** Only payloads with issues. */
  quiet?: boolean;
}

export function renderPretty(report: ValidateReport, options: PrettyOptions): string {
  return renderWhole(prettyRenderer(options), report);
}

export function prettyRenderer({ chalk, quiet }: PrettyOptions): ValidateRenderer {
  let listed = false;
  const entry: ValidateRenderer['entry'] = (entry) => {
    const out: string[] = [];
    const errors = entry.issues.filter((i) => i.severity === 'error').length;
    const warnings = entry.issues.length - errors;
    if (quiet && entry.issues.length === 0) return '';
    listed = true;
    const mark = entry.unreadable ? chalk.red('!') : !entry.valid ? chalk.red('✗') : warnings ? chalk.yellow('⚠') : chalk.green('✓');
    const where = entry.line !== undefined ? `${entry.source}:${entry.line}` : entry.source;
    out.push(`${mark} ${where}  ${chalk.dim(entry.unreadable ? 'unreadable' : label(entry))}`);
    for (const issue of entry.issues) {
      const sev = issue.severity === 'error' ? chalk.red('error  ') : chalk.yellow('warning');
      out.push(`    ${chalk.dim(location(entry, issue))}  ${sev}  ${formatIssue(issue)}  ${chalk.dim(issue.code)}`);
    }
    const more = moreLine(entry);
    if (more) out.push(`    ${chalk.dim(more)}`);
    return `${out.join('\n')}\n`;
  };
  const tail = (report: ValidateReport) => {
    const s = report.summary;
    const colour = s.unreadable || s.invalid ? chalk.red : s.warnings ? chalk.yellow : chalk.green;
    const stopped = interruptedLine(report);
    return `${listed ? '\n' : ''}${colour(summaryLine(s))}\n${stopped ? `${chalk.yellow(stopped)}\n` : ''}`;
  };
  return { headNeedsSummary: false, head: () => '', entry, tail };
}
