// End to end: the built binary on real files, for every output format and exit code, and on
// the inputs that knock naive validators over.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync, openSync, writeSync, closeSync, createReadStream, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { allFixtures } from '../helpers/fixtures.js';

let dir: string;
const fixture = (vendor: string, event: string) => allFixtures().find((f) => f.vendor === vendor && f.event === event && f.part === 'request')!;
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hookscope-e2e-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A relyable payload whose data.score is a string, on a known line and column.
const badScore = () => {
  const body = structuredClone(fixture('relyable', 'test_run.completed').body) as { data: Record<string, unknown> };
  body.data.score = 'high';
  return JSON.stringify(body, null, 2);
};

describe('hookscope validate (built binary)', () => {
  it('all fixtures: exit 0 and a summary', async () => {
    const r = await runCli(['validate', 'fixtures/']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^51 files, 51 valid, 0 invalid, 0 warnings$/m);
    expect(r.stdout).toContain('✓ fixtures/relyable/test_run.completed.json  relyable test_run.completed');
    expect(r.stderr).toBe('');
  });

  it('pretty: file:line:col, JSON path, expected vs received; exit 1', async () => {
    const p = file('bad-score.json', badScore());
    const r = await runCli(['validate', p]);
    expect(r.code).toBe(1);
    // "score" is on line 8 of the pretty-printed body; its value starts at column 14.
    expect(r.stdout).toContain(`${p}:8:14  error    $.data.score: expected number, received string "high"  wrong-type`);
    expect(r.stdout).toMatch(/1 file, 0 valid, 1 invalid, 0 warnings/);
  });

  it('json: one document with stable fields', async () => {
    const p = file('bad-score2.json', badScore());
    const r = await runCli(['validate', '--format', 'json', p, 'fixtures/relyable']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toEqual({ files: 5, payloads: 5, valid: 4, invalid: 1, warnings: 0, unreadable: 0, skipped: 0, notRecorded: 0 });
    expect(doc.interrupted).toBe(false);
    expect(doc.results[0]).toEqual({
      source: p,
      vendor: 'relyable',
      event: 'test_run.completed',
      part: 'request',
      valid: false,
      issues: [{ code: 'wrong-type', severity: 'error', message: 'expected number, received string "high"', path: '$.data.score', line: 8, column: 14, expected: 'number', received: 'string' }],
    });
  });

  it('junit: a testcase per payload, a failure for the invalid one', async () => {
    const p = file('bad-score3.json', badScore());
    const r = await runCli(['validate', '--format', 'junit', p, 'fixtures/synthflow/post_call.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(r.stdout).toContain('<testsuite name="hookscope validate" tests="2" failures="1" errors="0" skipped="0">');
    expect(r.stdout).toContain(`<failure message="${p}:8:14 $.data.score: expected number, received string &quot;high&quot; [wrong-type]" type="invalid">`);
    expect(r.stdout).toContain('<testcase classname="synthflow post_call" name="fixtures/synthflow/post_call.json"/>');
  });

  it('github: workflow commands, chosen automatically under GITHUB_ACTIONS', async () => {
    const body = JSON.parse(badScore());
    body.data.extra_field = 1;
    const p = file('gh.json', JSON.stringify(body, null, 2));
    const r = await runCli(['validate', p], { env: { GITHUB_ACTIONS: 'true' } });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain(`::error file=${p},line=8,col=14,title=hookscope wrong-type (relyable test_run.completed)::$.data.score: expected number, received string "high"`);
    expect(lines.some((l) => l.startsWith(`::warning file=${p},line=`) && l.includes('$.data.extra_field: unknown field'))).toBe(true);
    // --format wins over the environment.
    const pretty = await runCli(['validate', '--format', 'pretty', p], { env: { GITHUB_ACTIONS: 'true' } });
    expect(pretty.stdout).not.toContain('::error');
  });

  it('warnings alone exit 0; --strict makes them exit 1', async () => {
    const body = structuredClone(fixture('smallest', 'post-conversation').body) as Record<string, unknown>;
    body.brand_new_field = true;
    const p = file('drift.json', JSON.stringify(body, null, 2));
    const loose = await runCli(['validate', p]);
    expect(loose.code).toBe(0);
    expect(loose.stdout).toMatch(/1 file, 1 valid, 0 invalid, 1 warning$/m);
    const strict = await runCli(['validate', '--strict', p]);
    expect(strict.code).toBe(1);
  });

  it('malformed JSON reports line:col of the syntax error', async () => {
    const p = file('broken.json', '{\n  "event": "test_run.completed",\n  "data": {,}\n}\n');
    const r = await runCli(['validate', p]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`${p}:3:12  error    invalid JSON: .*  invalid-json`));
  });

  it('undetectable payload: says which vendors it resembles and why', async () => {
    const p = file('unknown.json', JSON.stringify({ event: 'payment.succeeded', timestamp: '2025-01-01T00:00:00Z', data: {} }));
    const r = await runCli(['validate', p]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('undetected');
    expect(r.stdout).toMatch(/closest: relyable \(has the \{event, timestamp, data\} envelope, but event "payment.succeeded" is not one of/);
  });

  it('--vendor/--event force the schema; unknown names are usage errors with a suggestion', async () => {
    const forced = await runCli(['validate', '--vendor', 'atoms', '--event', 'call.end', 'fixtures/smallest/call.end.json']);
    expect(forced.code).toBe(0);
    const typo = await runCli(['validate', '--vendor', 'relyabel', 'fixtures/']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown vendor "relyabel"');
    expect(typo.stderr).toContain('did you mean relyable?');
    const badEvent = await runCli(['validate', '--vendor', 'relyable', '--event', 'test_run.complete', 'fixtures/']);
    expect(badEvent.code).toBe(2);
    expect(badEvent.stderr).toContain('did you mean test_run.completed?');
    const badFormat = await runCli(['validate', '--format', 'xml', 'fixtures/']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain("argument 'xml' is invalid");
  });

  it('synthflow call_inbound replies validate with --reply and are auto-detected', async () => {
    const r = await runCli(['validate', '--vendor', 'synthflow', '--event', 'call_inbound', '--reply', 'fixtures/synthflow/call_inbound.reply.json']);
    expect(r.code).toBe(0);
    const empty = file('empty-reply.json', '{}');
    const bad = await runCli(['validate', '--vendor', 'synthflow', '--event', 'call_inbound', '--reply', empty]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('missing required field "call_inbound"');
  });

  it('NDJSON line by line, including listen log records, and stdin', async () => {
    const good = JSON.stringify(fixture('bluejay', 'simulation_ended').body);
    const record = JSON.stringify({ kind: 'hookscope.request', version: 1, time: '2026-01-01T00:00:00Z', method: 'POST', path: '/hooks', headers: {}, body: badScore(), bodyEncoding: 'utf8' });
    const p = file('log.ndjson', `${good}\n\n${record}\n{"not":"closed"\n`);
    const r = await runCli(['validate', '--format', 'json', p]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toMatchObject({ files: 1, payloads: 3, valid: 1, invalid: 2 });
    expect(doc.results.map((x: { line: number }) => x.line)).toEqual([1, 3, 4]);
    expect(doc.results[1].issues[0]).toMatchObject({ code: 'wrong-type', path: '$.data.score', line: 3 });
    expect(doc.results[2].issues[0]).toMatchObject({ code: 'invalid-json', line: 4 });

    const stdin = await runCli(['validate', '-'], { input: fixture('synthflow', 'post_call').text });
    expect(stdin.code).toBe(0);
    expect(stdin.stdout).toContain('✓ <stdin>  synthflow post_call');
    const ndStdin = await runCli(['validate', '-'], { input: `${good}\n${good}\n` });
    expect(ndStdin.stdout).toMatch(/1 file \(2 payloads\), 2 valid/);
  });

  it('content decides, not the name: a log saved as .log or .json, one record on stdin', async () => {
    const good = JSON.stringify(fixture('bluejay', 'simulation_ended').body);
    const record = (body: string, extra = {}) => JSON.stringify({ kind: 'hookscope.request', version: 1, time: '2026-01-01T00:00:00Z', method: 'POST', path: '/hooks', headers: {}, body, bodyEncoding: 'utf8', ...extra });
    for (const name of ['listen.log', 'listen.json']) {
      const p = file(name, `${good}\n${record(badScore())}\n`);
      const r = await runCli(['validate', p]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`✓ ${p}:1  bluejay simulation_ended`);
      expect(r.stdout).toContain(`${p}:2  error    $.data.score: expected number, received string "high"  wrong-type`);
    }
    const one = await runCli(['validate', '-'], { input: record(JSON.stringify(fixture('synthflow', 'post_call').body)) });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('✓ <stdin>  synthflow post_call');
  });

  it('a logged 413: "body not recorded", a warning of its own (exit 0; --strict: 1)', async () => {
    const p = file('413.ndjson', `${JSON.stringify({ kind: 'hookscope.request', version: 1, id: 3, time: '2026-01-01T00:00:00Z', method: 'POST', path: '/hooks', headers: {}, body: '', bodyEncoding: 'utf8', bodyBytes: 12_000_000, bodyOmitted: 'too-large', schema: { state: 'not-json', issues: [{ code: 'too-large', severity: 'error', message: 'body of 12000000 bytes is over the 10485760-byte limit (--max-body)' }] }, response: { status: 413, by: 'listener' } })}\n`);
    const r = await runCli(['validate', p]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${p}:1  warning  body not recorded: too large (12000000 bytes, over the 10485760-byte limit of listen --max-body, answered 413)  not-recorded`);
    expect(r.stdout).toMatch(/^1 file, 0 valid, 0 invalid, 1 not recorded, 1 warning$/m);
    expect((await runCli(['validate', '--strict', p])).code).toBe(1);
  });

  it('--json is --format json; with another --format it is a usage error', async () => {
    const p = file('j.json', badScore());
    const viaJson = await runCli(['validate', '--json', p]);
    const viaFormat = await runCli(['validate', '--format', 'json', p]);
    expect(viaJson.code).toBe(1);
    expect(viaJson.stdout).toBe(viaFormat.stdout);
    expect((await runCli(['validate', '--json', '--format', 'json', p])).stdout).toBe(viaFormat.stdout);
    const both = await runCli(['validate', '--json', '--format', 'junit', p]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--json and --format junit ask for different formats');
    expect(both.stdout).toBe('');
  });
});

describe('hookscope validate on logs of any size', () => {
  /** Run the binary, its stdin a file piped in or nothing; the peak RSS from /proc while it runs. */
  function measured(args: string[], stdinFile?: string): Promise<{ code: number | null; stdout: string; stderr: string; peakMB: number }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: [stdinFile ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let peakKB = 0;
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const poll = setInterval(() => {
        try {
          peakKB = Math.max(peakKB, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
        } catch {
          // Gone.
        }
      }, 10);
      if (stdinFile) {
        child.stdin!.on('error', () => {});
        createReadStream(stdinFile).pipe(child.stdin!);
      }
      child.on('error', reject);
      child.on('close', (code) => {
        clearInterval(poll);
        resolve({ code, stdout, stderr, peakMB: peakKB / 1024 });
      });
    });
  }

  // Over V8's longest string (512 MiB): the old reader refused the file ("too large to read as
  // text") and crashed on the same bytes from stdin. 540 lines of 1 MiB, each a payload padded
  // with spaces (JSON allows them), so that it takes seconds, not minutes.
  it.skipIf(process.platform !== 'linux')('an NDJSON file over 512 MiB and the same on stdin: every line checked, in bounded memory', async () => {
    const p = join(dir, 'huge.ndjson');
    const payload = JSON.stringify(fixture('relyable', 'test_run.failed').body);
    const line = Buffer.from(`${payload}${' '.repeat(1024 * 1024 - payload.length - 1)}\n`);
    const fd = openSync(p, 'w');
    for (let i = 0; i < 540; i++) writeSync(fd, line);
    writeSync(fd, `${badScore().replace(/\n\s*/g, '')}\n`);
    closeSync(fd);
    const column = badScore().replace(/\n\s*/g, '').indexOf('"high"') + 1;
    try {
      for (const [args, input, source] of [[['validate', '-q', p]], [['validate', '-q', '-'], p, '<stdin>']] as [string[], string?, string?][]) {
        const r = await measured(args, input);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(1);
        expect(r.stdout).toBe(`✗ ${source ?? p}:541  relyable test_run.completed\n    ${source ?? p}:541:${column}  error    $.data.score: expected number, received string "high"  wrong-type\n\n1 file (541 payloads), 540 valid, 1 invalid, 0 warnings\n`);
        expect(r.peakMB).toBeLessThan(300);
      }
    } finally {
      rmSync(p, { force: true });
    }
  }, 120_000);
});

describe('hookscope validate never crashes', () => {
  const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);

  it.each([
    ['empty file', 'empty', ''],
    ['whitespace only', 'empty', '  \n\t\n'],
    ['binary file', 'binary', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])],
    ['invalid UTF-8', 'not-utf8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['a top-level array', 'not-an-object', '[]'],
    ['a top-level string', 'not-an-object', '"x"'],
    ['a top-level number', 'not-an-object', '42'],
    ['null', 'not-an-object', 'null'],
  ])('%s: invalid (exit 1) with code %s', async (name, code, content) => {
    const p = file(`odd-${name.replace(/\W+/g, '-')}.json`, content);
    const r = await runCli(['validate', '--format', 'json', p]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).results[0].issues[0].code).toBe(code);
    noStack(r.stderr);
  });

  it('a U+FFFD written in the text is valid UTF-8; a NUL after it is still binary', async () => {
    // Files are read as text in one call; a replacement character sends them back to the bytes.
    const body = structuredClone(fixture('relyable', 'test_run.failed').body) as { data: Record<string, unknown> };
    body.data.error = 'caller said \uFFFD';
    const ok = await runCli(['validate', '--format', 'json', file('fffd.json', JSON.stringify(body, null, 2))]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).results[0]).toMatchObject({ valid: true, issues: [] });
    const nul = await runCli(['validate', '--format', 'json', file('fffd-nul.json', Buffer.concat([Buffer.from('{"a":"\uFFFD"'), Buffer.from([0]), Buffer.from('}')]))]);
    expect(JSON.parse(nul.stdout).results[0].issues[0]).toMatchObject({ code: 'binary', message: expect.stringContaining('NUL byte at offset 10') });
  });

  it('a BOM is accepted and columns ignore it', async () => {
    const p = file('bom.json', `\uFEFF${badScore()}`);
    const r = await runCli(['validate', '--format', 'json', p]);
    expect(JSON.parse(r.stdout).results[0].issues[0]).toMatchObject({ line: 8, column: 14 });
  });

  it('duplicate keys: a warning at the second occurrence', async () => {
    const p = file('dup.json', fixture('relyable', 'test_run.failed').text.replace('"error":', '"error": "first",\n    "error":'));
    const r = await runCli(['validate', '--format', 'json', p]);
    expect(r.code).toBe(0);
    const issue = JSON.parse(r.stdout).results[0].issues[0];
    expect(issue).toMatchObject({ code: 'duplicate-key', severity: 'warning', path: '$.data.error', line: 8, column: 5 });
  });

  it('10,000 levels of nesting', async () => {
    const body = structuredClone(fixture('relyable', 'test_run.failed').body) as { data: Record<string, unknown> };
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const text = JSON.stringify(body, null, 2).replace('"calls_failed": 3', `"calls_failed": 3,\n    "deep": ${deep}`);
    const p = file('deep.json', text);
    const r = await runCli(['validate', '--format', 'json', p]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0].issues[0]).toMatchObject({ code: 'unknown-field', path: '$.data.deep' });
    const top = await runCli(['validate', file('deep-top.json', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`)]);
    expect(top.code).toBe(1);
    expect(top.stdout).toContain('undetected');
    noStack(top.stderr);
  });

  it('a 100 MB file', async () => {
    const p = join(dir, 'huge.json');
    const head = JSON.stringify(fixture('relyable', 'test_case.critical_failure').body).replace('"transcript":"', '"transcript":"');
    const [before, after] = head.split('"transcript":"');
    const fd = openSync(p, 'w');
    writeSync(fd, `${before}"transcript":"`);
    const chunk = 'Agent: hello, how can I help you today?\\n'.repeat(25_000); // ~1 MB
    for (let i = 0; i < 100; i++) writeSync(fd, chunk);
    writeSync(fd, after!);
    closeSync(fd);
    const r = await runCli(['validate', p]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 file, 1 valid, 0 invalid/);
  }, 60_000);

  it('unreadable paths exit 2 but the rest is still validated', async () => {
    const locked = file('locked.json', '{}');
    chmodSync(locked, 0o000);
    const missing = join(dir, 'nope.json');
    const r = await runCli(['validate', '--format', 'json', missing, 'fixtures/relyable/test_run.failed.json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toMatchObject({ unreadable: 1, valid: 1 });
    expect(doc.results[0]).toMatchObject({ source: missing, unreadable: true, issues: [{ code: 'unreadable', message: 'no such file or directory' }] });
    // root reads anything: only check the permission case when it really is unreadable.
    if (process.getuid?.() !== 0) {
      const r2 = await runCli(['validate', locked]);
      expect(r2.code).toBe(2);
      expect(r2.stdout).toContain('permission denied');
    }
    noStack(r.stderr);
  });

  it('symlink loops: a directory cycle is skipped, a self-link is unreadable', async () => {
    const root = join(dir, 'loop');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'sub', 'ok.json'), fixture('relyable', 'test_run.failed').text);
    symlinkSync(root, join(root, 'sub', 'back-to-root'));
    symlinkSync(join(root, 'self.json'), join(root, 'self.json'));
    const r = await runCli(['validate', '--format', 'json', root]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toMatchObject({ valid: 1, unreadable: 1, skipped: 1 });
    expect(r.stderr).toContain('symlink loop');
    noStack(r.stderr);
  });

  it('no arguments is a usage error', async () => {
    const r = await runCli(['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'paths'");
  });
});

describe('validate: an event a known vendor added', () => {
  it('is a warning (unknown-event) that names the vendor, and an error under --strict', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hookscope-unknown-event-')), 'new.json');
    writeFileSync(file, JSON.stringify({ event: 'test_run.started', timestamp: '2026-01-01T00:00:00Z', data: { test_run_id: 'r1' } }));
    const loose = await runCli(['validate', file]);
    expect(loose.code).toBe(0);
    expect(loose.stdout).toContain('relyable test_run.started');
    expect(loose.stdout).toMatch(/warning +relyable event "test_run.started" is not one hookscope knows.*unknown-event/);
    const strict = await runCli(['validate', file, '--strict']);
    expect(strict.code).toBe(1);
  });
});
