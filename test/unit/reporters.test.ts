// Reporters render a structured report; these tests pin their escaping and structure.
import { describe, expect, it } from 'vitest';
import type { ValidateReport } from '../../src/commands/validate.js';
import { renderGithub } from '../../src/reporters/github.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { renderPretty } from '../../src/reporters/pretty.js';
import { summaryLine } from '../../src/reporters/validate-common.js';
import { makeChalk } from '../../src/ui/terminal.js';

const report: ValidateReport = {
  entries: [
    {
      source: 'dir/a,b:c.json',
      vendor: 'relyable',
      event: 'test_run.completed',
      part: 'request',
      valid: false,
      issues: [
        { code: 'wrong-type', severity: 'error', message: 'expected number, received string "<50%>"\nsecond line', path: '$.data.score', line: 8, column: 14 },
        { code: 'unknown-field', severity: 'warning', message: 'unknown field "x" & more', path: '$.x', line: 2, column: 3 },
      ],
    },
    { source: 'log.ndjson', line: 4, vendor: 'smallest', event: 'call.end', part: 'request', valid: true, issues: [] },
    { source: 'gone.json', unreadable: true, valid: false, issues: [{ code: 'unreadable', severity: 'error', message: 'no such file or directory' }] },
  ],
  skipped: [],
  summary: { files: 3, payloads: 2, valid: 1, invalid: 1, warnings: 1, unreadable: 1, skipped: 0 },
  exitCode: 2,
};

describe('github reporter', () => {
  it('escapes properties and data as the Actions runner expects', () => {
    const out = renderGithub(report).split('\n');
    expect(out[0]).toBe('::error file=dir/a%2Cb%3Ac.json,line=8,col=14,title=hookscope wrong-type (relyable test_run.completed)::$.data.score: expected number, received string "<50%25>"%0Asecond line');
    expect(out[1]).toBe('::warning file=dir/a%2Cb%3Ac.json,line=2,col=3,title=hookscope unknown-field (relyable test_run.completed)::$.x: unknown field "x" & more');
    expect(out[2]).toBe('::error file=gone.json,title=hookscope unreadable (unknown)::no such file or directory');
  });
});

describe('junit reporter', () => {
  const xml = renderJunit(report);
  it('counts tests, failures and errors', () => {
    expect(xml).toContain('<testsuites name="hookscope validate" tests="3" failures="1" errors="1">');
  });
  it('escapes XML and names NDJSON cases by line', () => {
    expect(xml).toContain('&quot;&lt;50%&gt;&quot;');
    expect(xml).toContain('unknown field &quot;x&quot; &amp; more');
    expect(xml).toContain('<testcase classname="smallest call.end" name="log.ndjson:4"/>');
    expect(xml).toContain('<error message="gone.json no such file or directory [unreadable]" type="unreadable"/>');
    expect(xml).not.toMatch(/<[^>]*<50%>/);
  });
});

describe('pretty reporter', () => {
  it('lists every payload, issues indented, summary last; no ANSI without colour', () => {
    const out = renderPretty(report, { chalk: makeChalk(false) });
    expect(out).toBe(
      [
        '✗ dir/a,b:c.json  relyable test_run.completed',
        '    dir/a,b:c.json:8:14  error    $.data.score: expected number, received string "<50%>"\nsecond line  wrong-type',
        '    dir/a,b:c.json:2:3  warning  $.x: unknown field "x" & more  unknown-field',
        '✓ log.ndjson:4  smallest call.end',
        '! gone.json  unreadable',
        '    gone.json  error    no such file or directory  unreadable',
        '',
        '3 files, 1 valid, 1 invalid, 1 warning, 1 unreadable',
        '',
      ].join('\n'),
    );
  });
  it('--quiet hides clean payloads; colour adds ANSI', () => {
    expect(renderPretty(report, { chalk: makeChalk(false), quiet: true })).not.toContain('log.ndjson');
    expect(renderPretty(report, { chalk: makeChalk(true) })).toContain('\x1b[');
  });
});

describe('summary line', () => {
  it.each([
    [{ files: 1, payloads: 1, valid: 1, invalid: 0, warnings: 0, unreadable: 0, skipped: 0 }, '1 file, 1 valid, 0 invalid, 0 warnings'],
    [{ files: 2, payloads: 2, valid: 1, invalid: 1, warnings: 2, unreadable: 0, skipped: 1 }, '2 files, 1 valid, 1 invalid, 2 warnings, 1 skipped'],
  ])('%j', (summary, line) => expect(summaryLine(summary)).toBe(line));
});
