// Reporters render a structured report; these tests pin their escaping and structure.
import { describe, expect, it } from 'vitest';
import type { ValidateReport } from '../../src/commands/validate.js';
import { renderGithub } from '../../src/reporters/github.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { renderJson } from '../../src/reporters/json.js';
import { feedEntry } from '../../src/reporters/listen.js';
import { renderPretty } from '../../src/reporters/pretty.js';
import { moreLine, summaryLine } from '../../src/reporters/validate-common.js';
import { LOG_RECORD_KIND, type ListenRecord } from '../../src/record/log-record.js';
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

// A payload keeps its first 100 issues; the rest are counted (issue #13). Every format says so.
describe('issues left out ("and N more")', () => {
  const many = (omittedIssues: number, omittedWarnings: number): ValidateReport => ({
    entries: [
      {
        source: 'big.json',
        vendor: 'relyable',
        event: 'test_run.completed',
        part: 'request',
        valid: omittedIssues === omittedWarnings,
        issues: [{ code: 'unknown-field', severity: 'warning', message: 'unknown field "u0" (drift)', path: '$.data.u0', line: 1, column: 9 }],
        omittedIssues,
        omittedWarnings,
      },
    ],
    skipped: [],
    summary: { files: 1, payloads: 1, valid: omittedIssues === omittedWarnings ? 1 : 0, invalid: omittedIssues === omittedWarnings ? 0 : 1, warnings: 1 + omittedWarnings, unreadable: 0, skipped: 0 },
    exitCode: omittedIssues === omittedWarnings ? 0 : 1,
  });

  it('moreLine counts them by kind', () => {
    expect(moreLine(many(9999, 9999).entries[0]!)).toBe('… and 9999 more issues not shown (9999 warnings)');
    expect(moreLine(many(10_001, 10_000).entries[0]!)).toBe('… and 10001 more issues not shown (1 error, 10000 warnings)');
    expect(moreLine(many(1, 0).entries[0]!)).toBe('… and 1 more issue not shown (1 error)');
    expect(moreLine(report.entries[0]!)).toBeUndefined();
  });

  it('pretty: a line under the issues', () => {
    expect(renderPretty(many(10_001, 10_000), { chalk: makeChalk(false) })).toBe(
      [
        '✗ big.json  relyable test_run.completed',
        '    big.json:1:9  warning  $.data.u0: unknown field "u0" (drift)  unknown-field',
        '    … and 10001 more issues not shown (1 error, 10000 warnings)',
        '',
        '1 file, 0 valid, 1 invalid, 10001 warnings',
        '',
      ].join('\n'),
    );
  });

  it('junit: with the failure when an error is among them, else with the warnings', () => {
    const failed = renderJunit(many(10_001, 10_000));
    expect(failed).toContain('<failure message="big.json … and 10001 more issues not shown (1 error, 10000 warnings)" type="invalid">');
    const warned = renderJunit(many(9999, 9999));
    expect(warned).not.toContain('<failure');
    expect(warned).toContain('<system-out>big.json:1:9 $.data.u0: unknown field &quot;u0&quot; (drift) [unknown-field]\nbig.json … and 9999 more issues not shown (9999 warnings)</system-out>');
  });

  it('github: one annotation for them, an error when an error is among them', () => {
    expect(renderGithub(many(10_001, 10_000)).split('\n')[1]).toBe('::error file=big.json,title=hookscope (relyable test_run.completed)::… and 10001 more issues not shown (1 error, 10000 warnings)');
    expect(renderGithub(many(9999, 9999)).split('\n')[1]).toBe('::warning file=big.json,title=hookscope (relyable test_run.completed)::… and 9999 more issues not shown (9999 warnings)');
  });

  it('json: the counts are fields of the result', () => {
    const out = JSON.parse(renderJson(many(10_001, 10_000))) as { results: Record<string, unknown>[] };
    expect(out.results[0]).toMatchObject({ omittedIssues: 10_001, omittedWarnings: 10_000 });
  });

  it('the listen feed: those the record holds, and those it does not', () => {
    const issue = { code: 'wrong-type', severity: 'error' as const, message: 'expected string, received integer 1', path: '$.data.scenarios_tested[0]' };
    const record: ListenRecord = {
      kind: LOG_RECORD_KIND,
      version: 1,
      id: 1,
      time: '2026-11-23T10:11:12.000Z',
      method: 'POST',
      path: '/hooks',
      headers: {},
      body: '{}',
      bodyEncoding: 'utf8',
      bodyBytes: 2,
      vendor: 'relyable',
      event: 'test_run.completed',
      part: 'request',
      signature: { state: 'unsigned' },
      schema: { state: 'invalid', issues: Array.from({ length: 10 }, () => issue) },
      response: { status: 200, by: 'listener' },
    };
    expect(feedEntry(record, makeChalk(false))).toContain('      … 7 more in the log\n');
    (record.schema as { omittedIssues?: number }).omittedIssues = 4_999_990;
    expect(feedEntry(record, makeChalk(false))).toContain('      … 7 more in the log, and 4999990 more not kept\n');
  });
});
