// validateText keeps the first MAX_ISSUES issues of a payload and counts the rest (issue #13):
// `valid` and the severity counts stay exact, the kept issues keep their paths and line:column,
// and nothing a crafted body holds makes a result (or its cost) grow faster than the body.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { positionAt } from '../../src/json/scan.js';
import { MAX_ISSUES, validateText, type PayloadResult } from '../../src/schema/validate.js';
import { ROOT } from '../helpers/cli.js';

const fixture = (vendor: string, file: string) => JSON.parse(readFileSync(join(ROOT, 'fixtures', vendor, file), 'utf8')) as Record<string, any>;
const relyable = () => fixture('relyable', 'test_run.completed.json');

/** Issues kept + omitted, by severity. */
function counts(r: PayloadResult) {
  const kept = r.issues.filter((i) => i.severity === 'warning').length;
  return {
    issues: r.issues.length + (r.omittedIssues ?? 0),
    warnings: kept + (r.omittedWarnings ?? 0),
    errors: r.issues.length - kept + (r.omittedIssues ?? 0) - (r.omittedWarnings ?? 0),
  };
}

/** Every kept issue with a line points at the text the issue names (checked by a probe). */
function expectAt(text: string, r: PayloadResult, probe: (issue: PayloadResult['issues'][number], at: string) => void) {
  for (const issue of r.issues) {
    if (issue.line === undefined) continue;
    // Single-line texts here: the offset is the column - 1.
    expect(issue.line).toBe(1);
    expect(positionAt(text, issue.column! - 1)).toMatchObject({ line: 1, column: issue.column });
    probe(issue, text.slice(issue.column! - 1, issue.column! + 19));
  }
}

describe('validateText keeps MAX_ISSUES and counts the rest', () => {
  it('a key repeated at every level of 50,000 (the issue #13 body): fast, bounded, located', () => {
    const n = 50_000;
    const text = `${'{"a":'.repeat(n)}1${',"a":1}'.repeat(n)}`;
    const t0 = process.hrtime.bigint();
    const r = validateText(text);
    // Before the fix this took minutes (each duplicate copied its 50,000-level path).
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(5000);
    expect(r.issues).toHaveLength(MAX_ISSUES);
    expect(r.issues[0]!.code).toBe('undetected');
    expect(r.valid).toBe(false);
    expect(counts(r)).toEqual({ issues: 1 + n, warnings: n, errors: 1 });
    const dup = r.issues[1]!;
    expect(dup).toMatchObject({ code: 'duplicate-key', severity: 'warning', path: `$.a.a.a.a.a.a.a.a…(${n - 16} more levels)….a.a.a.a.a.a.a.a` });
    expect(dup.message).toBe(`duplicate key "a" (first at 1:${5 * (n - 1) + 2}); parsers keep the last one, and re-serialising changes the signed bytes`);
    expect(dup.column).toBe(5 * n + 3);
    // One level up each time, each located at its own `"a"`.
    expect(r.issues[2]!.column).toBe(5 * n + 3 + 7);
    expectAt(text, r, (issue, at) => expect(issue.code !== 'duplicate-key' || at.startsWith('"a":1}')).toBe(true));
    expect(JSON.stringify(r.issues).length).toBeLessThan(MAX_ISSUES * 400);
  });

  it('many duplicate keys: the first 99 in text order, the rest counted; --strict makes them errors', () => {
    const body = relyable();
    const text = JSON.stringify(body).replace('"score":73.5', `"score":73.5${',"score":73.5'.repeat(10_000)}`);
    const r = validateText(text);
    expect(r.valid).toBe(true);
    expect(r.issues).toHaveLength(MAX_ISSUES);
    expect(r.issues.every((i) => i.code === 'duplicate-key' && i.path === '$.data.score')).toBe(true);
    expect(r.omittedIssues).toBe(10_000 - MAX_ISSUES);
    expect(r.omittedWarnings).toBe(10_000 - MAX_ISSUES);
    expectAt(text, r, (_, at) => expect(at.startsWith('"score":73.5')).toBe(true));
    const columns = r.issues.map((i) => i.column!);
    expect(columns).toEqual([...columns].sort((a, b) => a - b));

    const strict = validateText(text, { strict: true });
    expect(strict.valid).toBe(false);
    expect(counts(strict)).toEqual({ issues: 10_000, warnings: 0, errors: 10_000 });
  });

  it('many errors in an array: the first 100, each at its item', () => {
    const body = relyable();
    body.data.scenarios_tested = Array.from({ length: 200_000 }, (_, i) => i);
    const text = JSON.stringify(body);
    const r = validateText(text);
    expect(r.valid).toBe(false);
    expect(r.issues).toHaveLength(MAX_ISSUES);
    expect(r.issues[7]).toMatchObject({ code: 'wrong-type', path: '$.data.scenarios_tested[7]', message: 'expected string, received integer 7' });
    expect(counts(r)).toEqual({ issues: 200_000, warnings: 0, errors: 200_000 });
    expectAt(text, r, (issue, at) => expect(at.startsWith(`${issue.path!.match(/\[(\d+)\]$/)![1]},`)).toBe(true));
  });

  it('many unknown fields: warnings, the first 100 located, all counted; the payload is valid', () => {
    const body = relyable();
    for (let i = 0; i < 50_000; i++) body.data[`extra_${i}`] = i;
    const text = JSON.stringify(body);
    const r = validateText(text);
    expect(r.valid).toBe(true);
    expect(r.issues.map((i) => i.path)).toEqual(Array.from({ length: 100 }, (_, i) => `$.data.extra_${i}`));
    expect(counts(r)).toEqual({ issues: 50_000, warnings: 50_000, errors: 0 });
    // Each points at its member's value: extra_7's is 7.
    expectAt(text, r, (issue, at) => expect(at).toMatch(new RegExp(`^${issue.path!.slice('$.data.extra_'.length)}[,}]`)));
  });

  it('10,000 warnings, then one error past the cap: still invalid, and counted as an error', () => {
    const body = fixture('synthflow', 'post_call.json');
    const analysis: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) analysis[`criterion_${i}`] = 'maybe';
    // A boolean passes the record's value type; the refinement (run after the values) refuses it.
    analysis.last_feedback = true;
    body.analysis = analysis;
    const r = validateText(JSON.stringify(body));
    expect(r.issues.every((i) => i.severity === 'warning')).toBe(true);
    expect(r.valid).toBe(false);
    expect(counts(r)).toEqual({ issues: 10_001, warnings: 10_000, errors: 1 });
  });

  it('nothing left out: no omitted counts at all', () => {
    const body = relyable();
    body.data.extra = 1;
    const r = validateText(JSON.stringify(body));
    expect(r.issues).toHaveLength(1);
    expect('omittedIssues' in r).toBe(false);
    expect('omittedWarnings' in r).toBe(false);
  });
});

describe('validateText: long keys, long values, deep paths stay short in issues', () => {
  it('an unknown key of a megabyte', () => {
    const key = 'k'.repeat(1_000_000);
    const body = relyable();
    body.data[key] = 1;
    const r = validateText(JSON.stringify(body));
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.path).toBe(`$.data["${'k'.repeat(100)}…"]`);
    expect(r.issues[0]!.message).toBe(`unknown field "${'k'.repeat(100)}…" (drift: the vendor may have changed its payload)`);
    expect(r.issues[0]!.line).toBe(1);
  });

  it('a timestamp of a megabyte: the message previews it', () => {
    const body = relyable();
    body.timestamp = `2025-01-16T15:38:00Z${'9'.repeat(1_000_000)}`;
    const r = validateText(JSON.stringify(body));
    expect(r.valid).toBe(false);
    expect(r.issues[0]!.message.length).toBeLessThan(200);
    expect(r.issues[0]!.received!.length).toBeLessThanOrEqual(40);
  });

  it('a vendor message quoting a whole value is cut', () => {
    const body = fixture('synthflow', 'post_call.json');
    body.status = 'x'.repeat(100_000);
    const r = validateText(JSON.stringify(body));
    const status = r.issues.find((i) => i.path === '$.status')!;
    expect(status.message.length).toBeLessThan(1100);
    expect(status.message).toMatch(/… \(\d+ characters in all\)$/);
  });

  it('objects nested 100,000 deep under an unknown member: located, one warning', () => {
    const n = 100_000;
    const body = relyable();
    const text = JSON.stringify(body).replace(/}}$/, `,"deep":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}}`);
    const r = validateText(text);
    expect(r.issues).toEqual([{ code: 'unknown-field', severity: 'warning', message: 'unknown field "deep" (drift: the vendor may have changed its payload)', path: '$.data.deep', line: 1, column: text.indexOf('"deep"') + 8 }]);
  });
});
