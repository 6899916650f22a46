// Relyable signing as its own docs show it: a Node verifier over JSON.stringify(parsed body)
// and a Python verifier over the raw bytes must both accept what hookscope signs.
import { signatureOf, verifyValue } from '../../helpers/signing.js';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { relyable } from '../../../src/vendors/relyable.js';
import { allFixtures } from '../../helpers/fixtures.js';

const secret = 'whsec_relyable_test_secret';
const scheme = relyable.signing!;
const fixtures = allFixtures().filter((f) => f.vendor === 'relyable');

// The vendor's Node sample, verbatim in logic (including its missing length check).
function nodeSampleVerify(payload: unknown, signature: string): boolean {
  const expected = createHmac('sha256', secret).update(JSON.stringify(payload)).digest('hex');
  return timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
// The vendor's Python sample: hmac over the raw request bytes, hexdigest.
const pythonSampleVerify = (raw: Buffer, signature: string) => createHmac('sha256', secret).update(raw).digest('hex') === signature;

describe('relyable signing', () => {
  it.each(fixtures.map((f) => [f.event, f] as const))('%s: the compact body verifies with both vendor samples', (_e, f) => {
    const wire = Buffer.from(JSON.stringify(f.body));
    const sig = signatureOf(scheme, wire, secret)!;
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(nodeSampleVerify(JSON.parse(wire.toString()), sig)).toBe(true);
    expect(pythonSampleVerify(wire, sig)).toBe(true);
    expect(verifyValue(scheme, wire, secret, sig)).toEqual({ valid: true });
  });

  it('signs JSON.stringify of the payload even when the bytes given are pretty-printed (70.0 becomes 70)', () => {
    const pretty = Buffer.from(fixtures.find((f) => f.event === 'agent.score_dropped')!.text);
    expect(pretty.toString()).toContain('70.0');
    const sig = signatureOf(scheme, pretty, secret)!;
    expect(sig).toBe(createHmac('sha256', secret).update(JSON.stringify(JSON.parse(pretty.toString()))).digest('hex'));
    // A receiver that signed the raw pretty bytes (Python-style) is also accepted by verify.
    expect(verifyValue(scheme, pretty, secret, createHmac('sha256', secret).update(pretty).digest('hex'))).toEqual({ valid: true });
  });

  it('one changed byte is a mismatch', () => {
    const wire = Buffer.from(JSON.stringify(fixtures[0]!.body));
    const sig = signatureOf(scheme, wire, secret)!;
    const tampered = Buffer.from(wire.toString().replace('"score":73.5', '"score":73.6'));
    expect(tampered.equals(wire)).toBe(false);
    expect(verifyValue(scheme, tampered, secret, sig)).toMatchObject({ valid: false, reason: 'mismatch' });
    expect(verifyValue(scheme, wire, 'other-secret', sig)).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it.each([
    ['missing', undefined, 'missing'],
    ['empty', '', 'missing'],
    ['too short (the vendor sample would throw here)', 'abc123', 'malformed'],
    ['base64 instead of hex', Buffer.alloc(32, 7).toString('base64'), 'malformed'],
    ['non-hex of the right length', 'z'.repeat(64), 'malformed'],
  ])('never throws on a bad signature: %s', (_name, value, reason) => {
    const wire = Buffer.from(JSON.stringify(fixtures[0]!.body));
    expect(() => nodeSampleVerify(fixtures[0]!.body, 'abc123')).toThrow();
    expect(verifyValue(scheme, wire, secret, value)).toMatchObject({ valid: false, reason });
  });

  it('a non-JSON body is signed over its raw bytes (what the Python sample does)', () => {
    const raw = Buffer.from('not json at all');
    const sig = createHmac('sha256', secret).update(raw).digest('hex');
    expect(verifyValue(scheme, raw, secret, sig)).toEqual({ valid: true });
  });
});

describe('relyable delivery rules', () => {
  it('succeeds on exactly 200', () => {
    expect([200, 201, 204, 299, 500].map((s) => relyable.delivery.success.isSuccess(s))).toEqual([true, false, false, false, false]);
  });
  it('retries immediately, then after 1 min, 5 min, 15 min and 1 h', () => {
    expect(relyable.delivery.retryDelaysMs.value).toEqual([0, 60_000, 300_000, 900_000, 3_600_000]);
    expect(relyable.delivery.retryDelaysMs.value.reduce((a, b) => a + b, 0)).toBe(81 * 60_000);
  });
  it('the timeout and dedupe key are flagged as assumptions', () => {
    expect(relyable.delivery.timeoutMs.provenance).toBe('assumed');
    expect(relyable.delivery.dedupeKey.provenance).toBe('assumed');
    expect(relyable.delivery.dedupeKey.key(fixtures.find((f) => f.event === 'test_run.completed')!.body)).toBe('test_run.completed:run_xyz789:2025-01-16T15:38:00Z');
  });
  it('summarises a completed run', () => {
    const f = fixtures.find((x) => x.event === 'test_run.completed')!;
    expect(relyable.events.find((e) => e.name === f.event)!.summarize!(f.body)).toBe('score 73.5 (+5.3), 15/20 passed');
  });
});
