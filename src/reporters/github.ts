// GitHub Actions workflow commands: each issue becomes an annotation on the file and line.
// Escaping follows the runner's rules (actions/toolkit command.ts): data escapes % CR LF,
// properties also escape : and ,.
import type { ValidateEntry, ValidateReport } from '../commands/validate.js';
import { formatIssue } from '../schema/issues.js';
import { interruptedLine, label, moreErrors, moreLine, renderWhole, summaryLine, type ValidateRenderer } from './validate-common.js';

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function renderGithub(report: ValidateReport): string {
  return renderWhole(githubRenderer(), report);
}

export function githubRenderer(): ValidateRenderer {
  return {
    headNeedsSummary: false,
    head: () => '',
    entry: annotations,
    tail: (report) => [summaryLine(report.summary), interruptedLine(report)].filter(Boolean).map((l) => `${l}\n`).join(''),
  };
}

function annotations(entry: ValidateEntry): string {
  const out: string[] = [];
  for (const issue of entry.issues) {
    const props = [`file=${escapeProperty(entry.source)}`];
    const line = issue.line ?? entry.line;
    if (line !== undefined) props.push(`line=${line}`);
    if (issue.line !== undefined && issue.column !== undefined) props.push(`col=${issue.column}`);
    props.push(`title=${escapeProperty(`hookscope ${issue.code} (${label(entry)})`)}`);
    out.push(`::${issue.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(formatIssue(issue))}\n`);
  }
  // One annotation for those left out, an error when they include one (the run fails on them).
  const more = moreLine(entry);
  if (more) {
    const props = [`file=${escapeProperty(entry.source)}`];
    if (entry.line !== undefined) props.push(`line=${entry.line}`);
    props.push(`title=${escapeProperty(`hookscope (${label(entry)})`)}`);
    out.push(`::${moreErrors(entry) ? 'error' : 'warning'} ${props.join(',')}::${escapeData(more)}\n`);
  }
  return out.join('');
}
