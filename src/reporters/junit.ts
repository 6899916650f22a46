// JUnit XML for validate: one testcase per payload, a <failure> listing its errors;
// warnings go to <system-out> so CI dashboards show them without failing.
import type { ValidateEntry, ValidateReport } from '../commands/validate.js';
import { formatIssue } from '../schema/issues.js';
import { interruptedLine, label, location, moreErrors, moreLine, renderWhole, type ValidateRenderer } from './validate-common.js';

// XML 1.0 forbids most control characters even escaped; drop them.
const xml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

export function renderJunit(report: ValidateReport): string {
  return renderWhole(junitRenderer(), report);
}

export function junitRenderer(): ValidateRenderer {
  return { headNeedsSummary: true, head, entry: testcase, tail };
}

function head(report?: ValidateReport): string {
  const summary = report!.summary;
  const tests = summary.payloads + summary.unreadable;
  const failures = summary.invalid;
  const errors = summary.unreadable;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hookscope validate" tests="${tests}" failures="${failures}" errors="${errors}">`,
    `  <testsuite name="hookscope validate" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0">`,
    '',
  ].join('\n');
}

function tail(report: ValidateReport): string {
  const stopped = interruptedLine(report);
  return `${stopped ? `    <system-err>${xml(stopped)}</system-err>\n` : ''}  </testsuite>\n</testsuites>\n`;
}

function testcase(entry: ValidateEntry): string {
  const name = entry.line !== undefined ? `${entry.source}:${entry.line}` : entry.source;
  const lines = (sev: string) =>
    entry.issues.filter((i) => i.severity === sev).map((i) => `${location(entry, i)} ${formatIssue(i)} [${i.code}]`);
  const errs = lines('error');
  const warns = lines('warning');
  // Those left out are said where their kind goes: a payload failed by them still has a failure.
  const more = moreLine(entry);
  if (more) (moreErrors(entry) ? errs : warns).push(`${location(entry)} ${more}`);
  let body = '';
  if (entry.unreadable) body += `<error message="${xml(errs[0] ?? 'unreadable')}" type="unreadable"/>`;
  else if (errs.length) body += `<failure message="${xml(errs[0]!)}" type="invalid">${xml(errs.join('\n'))}</failure>`;
  if (warns.length) body += `<system-out>${xml(warns.join('\n'))}</system-out>`;
  return `    <testcase classname="${xml(label(entry))}" name="${xml(name)}"${body ? `>${body}</testcase>` : '/>'}\n`;
}
