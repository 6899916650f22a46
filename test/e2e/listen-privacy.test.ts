// What listen keeps, and how: private logs by default, --redact, bodies logged so a log line is
// never much larger than its body, and a memory budget that holds whatever the senders do.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../helpers/signing.js';
import { vendors } from '../../src/vendors/index.js';
import { runCli } from '../helpers/cli.js';
import { allFixtures } from '../helpers/fixtures.js';
import { startListen } from '../helpers/listen.js';

const dir = mkdtempSync(join(tmpdir(), 'hookscope-privacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, dispatcher?: Agent) {
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, dispatcher });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

describe('listen: logs are private by default', () => {
  it('.hookscope/ is owner-only and git-ignored, the log is owner-only, and the first run says where logs go', async () => {
    const cwd = mkdtempSync(join(dir, 'repo-'));
    const first = await startListen(['--json'], {}, cwd);
    await post(first.url, JSON.stringify(allFixtures()[0]!.body));
    const a = await first.stop();
    const logDir = join(cwd, '.hookscope');
    expect(statSync(logDir).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(logDir, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    const log = /log: (\S+\.ndjson)/.exec(a.stderr)![1]!;
    expect(statSync(log).mode & 0o777).toBe(0o600);
    expect(a.stderr).toContain('are logged to');
    expect(a.stderr).toContain('--no-log keeps none');
    // The note is said once: the directory is there now.
    const second = await startListen(['--json'], {}, cwd);
    const b = await second.stop();
    expect(b.stderr).not.toContain('are logged to');
  });
});

describe('listen --redact', () => {
  it('masks phone numbers, emails and transcripts in the log, --json and the feed; the signature is checked on the bytes received', async () => {
    const secret = 'rel-secret-0123456789abcdef';
    const relyable = vendors.find((v) => v.id === 'relyable')!;
    const body = JSON.stringify({
      ...allFixtures().find((f) => f.event === 'test_case.critical_failure')!.body,
    }).replace('"failure_reason":"', '"failure_reason":"caller +15551234567 (jo@example.com) said: ');
    const headers = signedHeaders(relyable, body, secret);
    const log = join(dir, 'redacted.ndjson');
    const json = await startListen(['--json', '--log', log, '--secret', `relyable=${secret}`, '--redact']);
    await post(json.url, body, headers);
    await json.stop();
    const [record] = json.records();
    expect(record).toMatchObject({ redacted: true, signature: { state: 'valid' }, schema: { state: 'valid' } });
    const kept = JSON.parse(record!.body);
    expect(kept.data.transcript).toBe('[redacted]');
    expect(kept.data.failure_reason).toBe('[redacted]');
    const logged = readFileSync(log, 'utf8');
    for (const secretPart of ['+15551234567', 'jo@example.com', 'Sunrise Realty']) {
      expect(JSON.stringify(record)).not.toContain(secretPart);
      expect(logged).not.toContain(secretPart);
    }
    const feed = await startListen(['--no-log', '--verbose', '--redact-path', 'data.agent_id']);
    await post(feed.url, body, headers);
    const { stdout } = await feed.stop();
    expect(stdout).not.toContain('+15551234567');
    expect(stdout).not.toContain('Sunrise Realty');
    expect(stdout).toContain('"agent_id": "[redacted]"');
  });
});

describe('listen: log lines stay close to their body', () => {
  it('a body of control characters is logged as base64, and validate reads it back', async () => {
    const log = join(dir, 'controls.ndjson');
    const listener = await startListen(['--json', '--log', log]);
    const body = `{"x":"${'\u0001'.repeat(100_000)}"}`;
    await post(listener.url, body);
    await listener.stop();
    const line = readFileSync(log, 'utf8');
    const [record] = listener.records();
    expect(record!.bodyEncoding).toBe('base64');
    expect(Buffer.from(record!.body, 'base64').toString('utf8')).toBe(body);
    // JSON would escape each control character as six bytes; base64 costs 4/3.
    expect(line.length).toBeLessThan(body.length * 1.5);
    // validate judges the body the record holds, decoded: a raw control character is not JSON.
    const validated = await runCli(['validate', log, '--format', 'json']);
    expect(validated.stdout).toContain('recorded body is invalid JSON: control character U+0001 in string');
  });
});

describe('listen: memory budget', () => {
  it('20 concurrent 9 MB bodies: RSS stays under 1 GB, whatever is accepted is logged, the rest gets 503 with Retry-After', async () => {
    const log = join(dir, 'budget.ndjson');
    const listener = await startListen(['--json', '--log', log]);
    const pid = listener.child.pid!;
    let peak = 0;
    const sample = setInterval(() => {
      try {
        const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        peak = Math.max(peak, kb * 1024);
      } catch {
        // the process is gone
      }
    }, 50);
    const agent = new Agent({ connections: 20 });
    const nine = (i: number) => Buffer.from(`{"event":"test_run.completed","i":${i},"pad":"${'\u0000'.repeat(9 * 1024 * 1024 - 60)}"}`);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(listener.url, nine(i), {}, agent)));
    await agent.close();
    clearInterval(sample);
    const vmhwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
    const { stderr } = await listener.stop();
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    for (const a of answers.filter((x) => x.status === 503)) expect(a.headers['retry-after']).toBe('5');
    expect(Math.max(peak, vmhwm)).toBeLessThan(1024 * 1024 * 1024);
    const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(records).toHaveLength(20);
    expect(records.filter((r) => r.bodyOmitted === 'over-budget').length).toBe(statuses.filter((s) => s === 503).length);
    // Every accepted body is in the log, byte for byte.
    for (const r of records.filter((x) => !x.bodyOmitted)) {
      const bytes = Buffer.from(r.body, r.bodyEncoding);
      const i = Number(/"i":(\d+)/.exec(bytes.toString('latin1'))![1]);
      expect(bytes.equals(nine(i))).toBe(true);
    }
    const busy = statuses.filter((s) => s === 503).length;
    if (busy) expect(stderr).toContain(`${busy} answered 503 (too many bodies in flight; senders retry)`);
  }, 60_000);
});
