// The pure parts of listen: inspect() verdicts, the dedupe memory, and the feed's rendering.
import { describe, expect, it } from 'vitest';
import { DedupeMemory } from '../../src/record/dedupe.js';
import { inspect, type InspectContext } from '../../src/record/inspect.js';
import { LOG_RECORD_KIND, type ListenRecord } from '../../src/record/log-record.js';
import { signedHeaders } from '../helpers/signing.js';
import { feedEntry, listenSummary } from '../../src/reporters/listen.js';
import { makeChalk } from '../../src/ui/terminal.js';
import { vendors } from '../../src/vendors/index.js';
import { allFixtures } from '../helpers/fixtures.js';

const byId = (id: string) => vendors.find((v) => v.id === id)!;
const ctx = (over: Partial<InspectContext> = {}): InspectContext => ({ secrets: new Map([['synthflow', 'sf-secret']]), vendors, dedupe: new DedupeMemory(), now: () => 1_000, ...over });
const fixture = (event: string) => allFixtures().find((f) => f.event === event && f.part === 'request')!;

describe('inspect', () => {
  it('detects synthflow post_call and verifies its call_id signature', () => {
    const body = Buffer.from(JSON.stringify(fixture('post_call').body));
    const got = inspect(body, signedHeaders(byId('synthflow'), body, 'sf-secret'), ctx());
    expect(got).toMatchObject({ vendor: 'synthflow', event: 'post_call', signature: { state: 'valid' }, schema: { state: 'valid' } });
    expect(got.summary).toMatch(/completed/);
  });

  it('a present signature without a secret is "no-secret", an absent one "unsigned"', () => {
    const body = Buffer.from(JSON.stringify(fixture('test_run.completed').body));
    expect(inspect(body, { 'x-relyable-signature': 'ab' }, ctx()).signature.state).toBe('no-secret');
    expect(inspect(body, {}, ctx()).signature.state).toBe('unsigned');
  });

  it('keeps 10 issues and counts the rest; a huge dedupe key is remembered by its hash; summaries stay a line', () => {
    const many = { ...fixture('test_run.completed').body, ...Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`extra_${i}`, i])) };
    const got = inspect(Buffer.from(JSON.stringify(many)), {}, ctx());
    expect(got.schema.issues).toHaveLength(10);
    expect(got.schema.omittedIssues).toBe(15);
    const post = fixture('post_call').body as { call: Record<string, unknown> };
    const huge = { ...post, call: { ...post.call, call_id: 'c'.repeat(2_000_000) } };
    const dedupe = new DedupeMemory();
    inspect(Buffer.from(JSON.stringify(huge)), {}, ctx({ dedupe }));
    const second = inspect(Buffer.from(JSON.stringify(huge)), {}, ctx({ dedupe }));
    expect(second.duplicate?.attempt).toBe(2);
    expect(second.duplicate!.key.length).toBeLessThan(200);
  });

  it('a new event in a known envelope is that vendor\'s: its signature is checked, the event is drift (unknown-event), not an unknown vendor', () => {
    const relyable = byId('relyable');
    const body = Buffer.from(JSON.stringify({ ...fixture('test_run.completed').body, event: 'test_run.started' }));
    const got = inspect(body, signedHeaders(relyable, body, 'rel-secret'), ctx({ secrets: new Map([['relyable', 'rel-secret']]) }));
    expect(got).toMatchObject({ vendor: 'relyable', event: 'test_run.started', signature: { state: 'valid' }, schema: { state: 'drift', issues: [{ code: 'unknown-event', severity: 'warning' }] } });
    const tampered = Buffer.from(body.toString().replace('73.5', '99'));
    expect(inspect(tampered, signedHeaders(relyable, body, 'rel-secret'), ctx({ secrets: new Map([['relyable', 'rel-secret']]) })).signature.state).toBe('invalid');
  });

  it('unknown fields are drift, a wrong type is invalid, non-JSON is not-json', () => {
    const base = fixture('simulation_ended').body;
    expect(inspect(Buffer.from(JSON.stringify({ ...base, brand_new: 1 })), {}, ctx()).schema.state).toBe('drift');
    expect(inspect(Buffer.from(JSON.stringify({ ...base, duration: 'long' })), {}, ctx()).schema.state).toBe('invalid');
    expect(inspect(Buffer.from('<xml/>'), {}, ctx()).schema.state).toBe('not-json');
    expect(inspect(Buffer.from([0xc3, 0x28]), {}, ctx()).schema).toMatchObject({ state: 'not-json', issues: [{ code: 'not-utf8' }] });
  });

  it('a forced vendor narrows detection', () => {
    const body = Buffer.from(JSON.stringify(fixture('test_run.completed').body));
    expect(inspect(body, {}, ctx({ vendor: byId('smallest') }))).toMatchObject({ vendor: 'smallest', schema: { state: 'undetected' } });
  });
});

describe('DedupeMemory', () => {
  it('counts attempts and time since the first', () => {
    const m = new DedupeMemory();
    expect(m.see('k', 100)).toBeUndefined();
    expect(m.see('k', 350)).toEqual({ key: 'k', attempt: 2, firstSeen: new Date(100).toISOString(), sinceFirstMs: 250 });
    expect(m.see('other', 400)).toBeUndefined();
  });

  it('forgets the oldest key past its limit, so memory stays flat', () => {
    const m = new DedupeMemory(2);
    m.see('a', 1);
    m.see('b', 2);
    m.see('c', 3);
    expect(m.see('a', 4)).toBeUndefined();
    expect(m.see('c', 5)?.attempt).toBe(2);
  });

  it('keeps exactly the last `limit` distinct keys, however many times it wraps', () => {
    const m = new DedupeMemory(3);
    for (let i = 0; i < 10; i++) {
      m.see(`k${i}`, i);
      m.see(`k${i}`, i); // a repeat takes no slot
    }
    expect(['k7', 'k8', 'k9', 'k6'].map((k) => m.see(k, 100)?.attempt)).toEqual([3, 3, 3, undefined]);
  });
});

describe('feed rendering', () => {
  const record: ListenRecord = {
    kind: LOG_RECORD_KIND,
    version: 1,
    id: 1,
    time: '2026-11-23T10:11:12.000Z',
    method: 'POST',
    path: '/hooks\x1b[31m',
    headers: { 'x-evil': 'a\x07' },
    body: '{"a":1}',
    bodyEncoding: 'utf8',
    bodyBytes: 7,
    vendor: 'relyable',
    event: 'test_run.completed',
    part: 'request',
    signature: { state: 'invalid', reason: 'wrong secret or body changed' },
    schema: { state: 'invalid', issues: [{ code: 'wrong-type', severity: 'error', message: 'expected number, received string', path: '$.data.score' }] },
    duplicate: { key: 'k', attempt: 2, firstSeen: '2026-11-23T10:11:10.000Z', sinceFirstMs: 2000 },
    summary: 'score 1',
    response: { status: 200, by: 'listener' },
  };

  it('one entry: time, request, vendor/event, status, verdicts, duplicate, summary, first issues', () => {
    const out = feedEntry(record, makeChalk(false));
    expect(out.split('\n')[0]).toBe('10:11:12  POST /hooks\\x1b[31m  relyable test_run.completed  → 200');
    expect(out).toContain('✗ signature invalid: wrong secret or body changed  ✗ schema invalid  duplicate: attempt 2, 2.0 s after the first');
    expect(out).toContain('error  $.data.score: expected number, received string');
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f]/);
  });

  it('--verbose shows a binary body as a hex preview, never re-serialised', () => {
    const out = feedEntry({ ...record, body: Buffer.from([0xff, 0x00, 0x41]).toString('base64'), bodyEncoding: 'base64', bodyBytes: 3 }, makeChalk(false), { verbose: true });
    expect(out).toContain('(3 bytes, logged as base64: not UTF-8 text, or mostly control characters) ff 00 41');
    expect(out).toContain('x-evil: a\\x07');
  });

  it('the summary counts verdicts per vendor and event', () => {
    const stats = { started: 0, requests: 2, badHttp: 1, overBudget: 0, probes: 0, byEvent: new Map([['relyable test_run.completed', { requests: 2, sig: { valid: 1, invalid: 1 }, schema: { valid: 1, drift: 1 }, duplicates: 1 }]]) };
    const out = listenSummary(stats, '/tmp/x.ndjson', 65_000);
    expect(out).toContain('hookscope listen: 2 requests in 65.0 s, 1 rejected as malformed or too slow HTTP');
    expect(out).toMatch(/relyable test_run.completed\s+2\s+1\s+1\s+0\s+0\s+1\s+0\s+1\s+1/);
    expect(out).toContain('log: /tmp/x.ndjson');
  });
});
