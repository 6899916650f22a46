// validate as a stream: entries handed on as they are checked (the report keeps none), the
// renderers' pieces adding up to the whole report, junit's spool, listen records judged by
// their body whatever the input is called, and a stop (Ctrl-C) marked in every format.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { validate, type ValidateEntry, type ValidateReport } from '../../src/commands/validate.js';
import { renderValidate, validateRenderer } from '../../src/reporters/index.js';
import { Spool } from '../../src/files/spool.js';
import { allFixtures } from '../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'hookscope-vstream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const body = (vendor: string, event: string) => allFixtures().find((f) => f.vendor === vendor && f.event === event && f.part === 'request')!.body as Record<string, any>;
const record = (b: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ kind: 'hookscope.request', version: 1, id: 1, time: '2026-01-01T00:00:00Z', method: 'POST', path: '/h', headers: {}, body: typeof b === 'string' ? b : JSON.stringify(b), bodyEncoding: 'utf8', ...extra });
const bad = () => {
  const b = structuredClone(body('relyable', 'test_run.completed'));
  b.data.score = 'high';
  return b;
};
const tooLarge = record('', { bodyBytes: 20_000_000, bodyOmitted: 'too-large', schema: { state: 'not-json', issues: [{ code: 'too-large', severity: 'error', message: 'body of 20000000 bytes is over the 10485760-byte limit (--max-body)' }] }, response: { status: 413, by: 'listener' } });

/** One async chunk at a time, as stdin gives them. */
const stdinOf = (text: string, size = 5) => async function* () {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
};

describe('content decides, not the name', () => {
  it.each(['log.log', 'log.out', 'log.json', 'log.ndjson'])('NDJSON saved as %s is checked line by line; records by their body', async (name) => {
    const p = file(name, `${JSON.stringify(body('bluejay', 'simulation_ended'))}\n${record(bad())}\n`);
    const report = await validate({ paths: [p] });
    expect(report.entries.map((e) => [e.line, e.vendor, e.valid])).toEqual([
      [1, 'bluejay', true],
      [2, 'relyable', false],
    ]);
    // Inside a record, an issue has the record's line and no column (the body is an escaped string).
    expect(report.entries[1]!.issues[0]).toMatchObject({ code: 'wrong-type', path: '$.data.score', line: 2 });
    expect(report.entries[1]!.issues[0]!.column).toBeUndefined();
  });

  it('one record on stdin, or saved pretty-printed on its own, is judged by its body', async () => {
    const stdin = await validate({ paths: ['-'], stdin: stdinOf(record(body('smallest', 'call.end'))) });
    expect(stdin.entries).toMatchObject([{ source: '<stdin>', vendor: 'smallest', event: 'call.end', valid: true }]);
    const pretty = file('one-record.json', JSON.stringify(JSON.parse(record(bad())), null, 2));
    const alone = await validate({ paths: [pretty] });
    // Issues point at the line of the record's "body" field.
    expect(alone.entries[0]!.issues[0]).toMatchObject({ code: 'wrong-type', path: '$.data.score', line: 9 });
  });

  it('a recorded body that is not UTF-8 says so; a logged GET probe is no payload', async () => {
    const notUtf8 = record(Buffer.from([0x7b, 0xff, 0x7d]).toString('base64'), { bodyEncoding: 'base64' });
    const probe = record('', { method: 'GET' });
    const report = await validate({ paths: ['-'], stdin: stdinOf(`${notUtf8}\n${probe}\n`) });
    expect(report.entries).toHaveLength(1);
    expect(report.entries[0]!.issues[0]).toMatchObject({ code: 'not-utf8', message: 'recorded body is not valid UTF-8 text (JSON must be UTF-8)', line: 1 });
    expect(report.summary.payloads).toBe(1);
  });
});

describe('a logged 413: the body was not recorded', () => {
  it('is a warning of its own, counted apart from valid and invalid', async () => {
    const report = await validate({ paths: ['-'], stdin: stdinOf(`${record(body('relyable', 'test_run.failed'))}\n${tooLarge}\n`) });
    expect(report.entries[1]).toMatchObject({ line: 2, valid: true, issues: [{ code: 'not-recorded', severity: 'warning', line: 2 }] });
    expect(report.entries[1]!.issues[0]!.message).toBe('body not recorded: too large (20000000 bytes, over the 10485760-byte limit of listen --max-body, answered 413)');
    expect(report.summary).toMatchObject({ payloads: 2, valid: 1, invalid: 0, notRecorded: 1, warnings: 1 });
    expect(report.exitCode).toBe(0);
    expect(await renderValidate(report, 'pretty', { color: false })).toContain('1 file (2 payloads), 1 valid, 0 invalid, 1 not recorded, 1 warning');
  });

  it('is an error under --strict', async () => {
    const report = await validate({ paths: ['-'], stdin: stdinOf(tooLarge), strict: true });
    expect(report.entries[0]).toMatchObject({ valid: false, issues: [{ code: 'not-recorded', severity: 'error' }] });
    expect(report.exitCode).toBe(1);
  });
});

describe('entries as they are checked', () => {
  const inputs = () => [file('s1.ndjson', `${JSON.stringify(body('bluejay', 'simulation_ended'))}\n${JSON.stringify(bad())}\n${tooLarge}\n{"broken"\n`), file('s2.json', JSON.stringify(body('synthflow', 'post_call'), null, 2)), join(dir, 'missing.json')];

  it('with onEntry the report keeps none, and counts the same', async () => {
    const seen: ValidateEntry[] = [];
    const streamed = await validate({ paths: inputs(), onEntry: (e) => seen.push(e) });
    const whole = await validate({ paths: inputs() });
    expect(streamed.entries).toEqual([]);
    expect(seen).toEqual(whole.entries);
    expect(streamed.summary).toEqual(whole.summary);
    expect(streamed.exitCode).toBe(2);
  });

  it.each(['pretty', 'json', 'junit', 'github'] as const)('%s: head + each entry + tail is the whole report', async (format) => {
    const whole = await validate({ paths: inputs() });
    const renderer = await validateRenderer(format, { color: false });
    const parts: string[] = [];
    const streamed = await validate({ paths: inputs(), onEntry: (e) => parts.push(renderer.entry(e)) });
    const text = `${renderer.head(streamed)}${parts.join('')}${renderer.tail(streamed)}`;
    expect(text).toBe(await renderValidate(whole, format, { color: false }));
    if (format === 'json') expect(JSON.parse(text)).toMatchObject({ version: 1, summary: whole.summary, interrupted: false, results: whole.entries.map((e) => ({ source: e.source })) });
  });
});

describe('stopped (Ctrl-C)', () => {
  it('stops reading, keeps what was checked, and every format says so', async () => {
    const stop = new AbortController();
    const lines = Array.from({ length: 50 }, () => JSON.stringify(body('relyable', 'test_run.failed'))).join('\n');
    let seen = 0;
    async function* slow() {
      for (const line of lines.split('\n')) {
        yield Buffer.from(`${line}\n`);
        // The stop comes while the input is still coming.
        if (seen === 10) stop.abort(new Error('interrupted (Ctrl-C)'));
        await new Promise((r) => setImmediate(r));
      }
    }
    const report = await validate({ paths: ['-'], stdin: slow, signal: stop.signal, onEntry: () => seen++ });
    expect(report.interrupted).toBe('interrupted (Ctrl-C)');
    expect(report.summary.payloads).toBe(seen);
    expect(seen).toBeGreaterThanOrEqual(10);
    expect(seen).toBeLessThan(50);
    const said = 'interrupted (Ctrl-C): stopped before the end; the summary covers what was checked until then';
    expect(await renderValidate(report, 'pretty', { color: false })).toContain(`${seen} valid, 0 invalid, 0 warnings\n${said}\n`);
    expect(await renderValidate(report, 'github', { color: false })).toContain(said);
    expect(await renderValidate(report, 'junit', { color: false })).toContain(`<system-err>${said}</system-err>`);
    expect(JSON.parse(await renderValidate(report, 'json', { color: false })).interrupted).toBe(true);
  });

  it('an input that never ends (stdin from a terminal) is let go at once', async () => {
    const stop = new AbortController();
    const terminal = new PassThrough();
    terminal.write(`${JSON.stringify(body('relyable', 'test_run.failed'))}\n`);
    setTimeout(() => stop.abort(new Error('interrupted (Ctrl-C)')), 50);
    const report: ValidateReport = await validate({ paths: ['-'], stdin: () => terminal, signal: stop.signal });
    // Nothing ends the read but the stop: the stream is destroyed, and what was read stands.
    expect(terminal.destroyed).toBe(true);
    expect(report).toMatchObject({ interrupted: 'interrupted (Ctrl-C)', summary: { payloads: 0 } });
  });
});

describe('spool (junit waits for its counts)', () => {
  it('keeps order in memory and once it has gone to a file', () => {
    for (const inMemory of [1 << 20, 10]) {
      const spool = new Spool(inMemory);
      const parts = Array.from({ length: 1000 }, (_, i) => `<case ${i}/>\n`);
      for (const p of parts) spool.write(p);
      expect(spool.onDisk).toBe(inMemory === 10);
      const chunks: (string | Uint8Array)[] = [];
      spool.copyTo({ write: (c) => chunks.push(c) });
      spool.close();
      expect(chunks.map((c) => Buffer.from(c).toString()).join('')).toBe(parts.join(''));
    }
  });
});

describe('issues past the cap', () => {
  it('an entry says how many issues were left out, and the summary counts the omitted warnings', async () => {
    const b = structuredClone(body('smallest', 'post-conversation'));
    for (let i = 0; i < 150; i++) b[`extra_${i}`] = i;
    const report = await validate({ paths: ['-'], stdin: stdinOf(JSON.stringify(b), 4096) });
    const entry = report.entries[0]!;
    expect(entry.issues.length + (entry.omittedIssues ?? 0)).toBe(150);
    expect(entry.omittedWarnings).toBe(entry.omittedIssues);
    expect(report.summary.warnings).toBe(150);
  });
});
