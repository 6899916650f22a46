// The library entry exposes the same engine as the CLI.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { detect, sign, validate, vendors, verify } from '../../src/index.js';
import { allFixtures } from '../helpers/fixtures.js';

describe('import { vendors, detect, validate, sign, verify } from "hookscope"', () => {
  const post = allFixtures().find((f) => f.vendor === 'synthflow' && f.event === 'post_call')!;
  const pre = allFixtures().find((f) => f.vendor === 'smallest' && f.event === 'pre-conversation')!;

  it('lists the vendors', () => expect(vendors.map((v) => v.id)).toEqual(['relyable', 'bluejay', 'smallest', 'synthflow', 'vapi', 'retell', 'elevenlabs', 'twilio', 'openai', 'bland', 'standard-webhooks']));

  it('detects and validates text or values', () => {
    const d = detect(pre.body);
    expect(d.ok && [d.vendor.id, d.event.name]).toEqual(['smallest', 'pre-conversation']);
    expect(validate(pre.text)).toMatchObject({ valid: true, vendor: 'smallest', event: 'pre-conversation', issues: [] });
    expect(validate({ ...pre.body, extra: 1 })).toMatchObject({ valid: true, issues: [{ code: 'unknown-field', path: '$.extra' }] });
  });

  it('signs as the vendor does and verifies from headers, any accepted spelling', () => {
    const raw = JSON.stringify(post.body);
    const signed = sign('synthflow', raw, 's3cret')!;
    const callId = (post.body as { call: { call_id: string } }).call.call_id;
    const signature = createHmac('sha256', 's3cret').update(callId).digest('base64');
    expect(signed).toEqual({ headers: { 'synthflow-signature': signature } });
    expect(verify('synthflow', raw, 's3cret', { 'X-Synthflow-Signature': signature })).toEqual({ valid: true });
    expect(verify('synthflow', raw, 'wrong', { 'synthflow-signature': signature })).toMatchObject({ valid: false, reason: 'mismatch' });
    expect(verify('synthflow', raw, 's3cret', {})).toMatchObject({ valid: false, reason: 'missing' });
    expect(sign('atoms', pre.text, 'k')).toEqual({ headers: { 'x-signature': createHmac('sha256', 'k').update(pre.text).digest('hex') } });
  });

  it('a form body validates as text and as its parameters; Twilio signs and verifies it with the URL', () => {
    const call = allFixtures().find((f) => f.vendor === 'twilio' && f.event === 'incoming-call')!;
    const form = new URLSearchParams(call.body as Record<string, string>).toString();
    expect(validate(form)).toMatchObject({ valid: true, vendor: 'twilio', event: 'incoming-call', issues: [] });
    expect(validate(call.body)).toMatchObject({ valid: true, vendor: 'twilio', event: 'incoming-call' });
    const url = 'https://abc.ngrok.app/voice';
    const signed = sign('twilio', form, 'token', { url, contentType: 'application/x-www-form-urlencoded' })!;
    expect(verify('twilio', form, 'token', signed.headers, { url })).toEqual({ valid: true });
    expect(verify('twilio', form, 'token', signed.headers, { url: 'https://abc.ngrok.app/other' })).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it('bluejay documents no signature: sign gives nothing, verify says why', () => {
    expect(sign('bluejay', '{}', 'k')).toBeUndefined();
    expect(verify('bluejay', '{}', 'k', {})).toMatchObject({ valid: false, reason: 'unsigned-vendor' });
  });

  it('an unknown vendor id is a clear error', () => expect(() => sign('stripe', '{}', 'k')).toThrow(/unknown vendor "stripe"/));
});
