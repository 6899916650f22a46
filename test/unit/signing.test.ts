// The signing engine: known-answer vectors from the vendors' own libraries, timestamp windows,
// and a named diagnosis for each integrator mistake, made on purpose.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacScheme, type HmacSpec } from '../../src/signing/hmac.js';
import { generateEd25519Pair, standardWebhooksScheme } from '../../src/signing/standard-webhooks.js';
import { tokenScheme } from '../../src/signing/token.js';
import { twilioScheme, withBodyHash } from '../../src/signing/twilio.js';
import type { HeaderBag, SigningScheme, VerifyInput } from '../../src/signing/types.js';

const doc = <T>(value: T) => ({ value, provenance: 'documented' as const, note: 'test' });

/** Retell's scheme: `v=<ms>,d=<hex HMAC-SHA256 of body + ms>`, 5 minutes either way. */
const retellLike = hmacScheme({
  header: doc('x-retell-signature'),
  placement: { kind: 'pairs', header: 'x-retell-signature', timestampKey: 'v', signatureKey: 'd' },
  format: doc('v=<ms>,d=<hex>'),
  algorithm: doc('sha256'),
  encoding: doc('hex'),
  key: doc('utf8'),
  messages: [['body', 'timestamp']],
  signedBytes: doc('raw body + timestamp'),
  timestamp: doc({ unit: 'ms', pastMs: 300_000, futureMs: 300_000 }),
});

/** ElevenLabs' scheme: `t=<s>,v0=<hex HMAC-SHA256 of "t.body">`, 30 minutes in the past, the future unchecked. */
const elevenLike = hmacScheme({
  header: doc('elevenlabs-signature'),
  placement: { kind: 'pairs', header: 'elevenlabs-signature', timestampKey: 't', signatureKey: 'v0' },
  format: doc('t=<s>,v0=<hex>'),
  algorithm: doc('sha256'),
  encoding: doc('hex'),
  key: doc('utf8'),
  messages: [['timestamp', { literal: '.' }, 'body']],
  signedBytes: doc('t.body'),
  timestamp: doc({ unit: 's', pastMs: 30 * 60_000 }),
});

const standard = standardWebhooksScheme({ provenance: 'documented', note: 'test' });
const twilio = twilioScheme({ header: doc('x-twilio-signature'), algorithm: doc('HMAC-SHA1'), signedBytes: doc('url + params'), key: doc('auth token') });

const body = Buffer.from('{"event":"call_ended","call":{"call_id":"c_1","transcript":"\\u00bfC\\u00f3mo?"}}');

function check(scheme: SigningScheme, headers: HeaderBag, extra: Partial<VerifyInput> = {}) {
  return scheme.verify({ body, secret: 'test-api-key', headers, nowMs: 1_700_000_000_000, ...extra });
}

describe('known answers from the vendors\' libraries', () => {
  it('Retell: the retell-sdk test vector', () => {
    const signed = retellLike.sign({ body: Buffer.from('{"event":"call_ended"}'), secret: 'test-api-key', timestampMs: 1_700_000_000_000 });
    expect(signed).toEqual({ headers: { 'x-retell-signature': 'v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e' } });
  });

  it('Standard Webhooks: the reference libraries\' sign vector verifies, and is re-made exactly', () => {
    const headers = { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' };
    const input = { body: Buffer.from('{"test": 2432232314}'), secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', headers, nowMs: 1_614_265_330_000 };
    expect(standard.verify(input)).toEqual({ valid: true });
    expect(standard.sign({ body: input.body, secret: input.secret, timestampMs: 1_614_265_330_000, id: 'msg_p5jXN8AQM9LWM0D4loKWxJek' })).toEqual({ headers });
    // Several signatures (key rotation): one valid entry among others is enough.
    expect(standard.verify({ ...input, headers: { ...headers, 'webhook-signature': `v1,bm90LWl0 v2,abc ${headers['webhook-signature']}` } })).toEqual({ valid: true });
  });

  it('Twilio: the classic security-doc vector, with and without the default port', () => {
    const params = 'CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212';
    const input = { body: Buffer.from(params), secret: '12345', nowMs: 0 };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(twilio.sign({ ...input, timestampMs: 0, url })).toEqual({ headers: { 'x-twilio-signature': '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' } });
    expect(twilio.verify({ ...input, url, headers: { 'x-twilio-signature': '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' } })).toEqual({ valid: true });
    expect(twilio.verify({ ...input, url: 'https://mycompany.com:443/myapp.php?foo=1&bar=2', headers: { 'x-twilio-signature': '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' } })).toMatchObject({ valid: true, detail: expect.stringContaining('without :443') });
  });

  it('Twilio JSON bodies: bodySHA256 goes into the URL, which alone is signed; a changed body is caught by the hash', () => {
    const json = Buffer.from('{"CallSid":"CA1"}');
    const signed = twilio.sign({ body: json, secret: 'tok', timestampMs: 0, url: 'https://x.test/hook', contentType: 'application/json' })!;
    expect(signed.url).toBe(withBodyHash('https://x.test/hook', json));
    expect(signed.headers['x-twilio-signature']).toBe(createHmac('sha1', 'tok').update(signed.url!).digest('base64'));
    const ok = twilio.verify({ body: json, secret: 'tok', url: signed.url, headers: signed.headers, nowMs: 0 });
    expect(ok).toEqual({ valid: true });
    const changed = twilio.verify({ body: Buffer.from('{"CallSid":"CA2"}'), secret: 'tok', url: signed.url, headers: signed.headers, nowMs: 0 });
    expect(changed).toMatchObject({ valid: false, reason: 'mismatch', detail: expect.stringContaining('bodySHA256') });
  });

  it('Standard Webhooks v1a: an ed25519 pair signs and verifies; the public key alone verifies', () => {
    const pair = generateEd25519Pair();
    const signed = standard.sign({ body, secret: pair.secret, timestampMs: 1_700_000_000_000, id: 'msg_1' })!;
    expect(signed.headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(standard.verify({ body, secret: pair.public, headers: signed.headers, nowMs: 1_700_000_000_000 })).toMatchObject({ valid: true, detail: 'v1a (ed25519)' });
    expect(standard.verify({ body: Buffer.from('{}'), secret: pair.public, headers: signed.headers, nowMs: 1_700_000_000_000 })).toMatchObject({ valid: false, reason: 'mismatch' });
    expect(standard.verify({ body, secret: generateEd25519Pair().public, headers: signed.headers, nowMs: 1_700_000_000_000 })).toMatchObject({ valid: false, reason: 'mismatch' });
  });
});

describe('timestamps', () => {
  const at = (ms: number) => retellLike.sign({ body, secret: 'test-api-key', timestampMs: ms })!.headers;
  const now = 1_700_000_000_000;

  it('inside the window is valid; outside it says expired or from the future, with the age and the window', () => {
    expect(check(retellLike, at(now - 299_000))).toEqual({ valid: true });
    expect(check(retellLike, at(now - 400_000))).toMatchObject({ valid: false, reason: 'expired', ageMs: 400_000, windowMs: 300_000, detail: expect.stringContaining('(the signature itself matches)') });
    expect(check(retellLike, at(now + 400_000))).toMatchObject({ valid: false, reason: 'future', ageMs: -400_000, windowMs: 300_000 });
  });

  it('a vendor that does not check the future (ElevenLabs) accepts a timestamp an hour ahead', () => {
    const ahead = elevenLike.sign({ body, secret: 'test-api-key', timestampMs: now + 3_600_000 })!.headers;
    expect(check(elevenLike, ahead)).toEqual({ valid: true });
    const old = elevenLike.sign({ body, secret: 'test-api-key', timestampMs: now - 31 * 60_000 })!.headers;
    expect(check(elevenLike, old)).toMatchObject({ valid: false, reason: 'expired' });
  });

  it('a timestamp that is not a number is malformed, not expired', () => {
    expect(check(elevenLike, { 'elevenlabs-signature': `t=hello,v0=${'a'.repeat(64)}` })).toMatchObject({ valid: false, reason: 'malformed' });
  });
});

describe('diagnosis: each integrator mistake, made on purpose, is named', () => {
  const now = 1_700_000_000_000;
  const hmacHex = (key: string | Buffer, message: string | Buffer) => createHmac('sha256', key).update(message).digest('hex');
  const parsed = JSON.parse(body.toString());

  it('the body re-serialised before signing (JSON.stringify of the parsed body)', () => {
    const reserialised = JSON.stringify(parsed);
    expect(reserialised).not.toBe(body.toString());
    const header = { 'x-retell-signature': `v=${now},d=${hmacHex('test-api-key', reserialised + now)}` };
    expect(check(retellLike, header)).toMatchObject({ valid: false, reason: 'mismatch', diagnosis: expect.stringContaining('re-serialised (JSON.stringify of the parsed body)') });
  });

  it('the body pretty-printed before signing', () => {
    const header = { 'x-retell-signature': `v=${now},d=${hmacHex('test-api-key', JSON.stringify(parsed, null, 2) + now)}` };
    expect(check(retellLike, header)).toMatchObject({ diagnosis: expect.stringContaining('pretty-printed JSON') });
  });

  it('a whsec_ secret used as text instead of base64-decoded', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now / 1000), 'webhook-signature': `v1,${createHmac('sha256', secret).update(`msg_1.${now / 1000}.${body}`).digest('base64')}` };
    expect(standard.verify({ body, secret, headers, nowMs: now })).toMatchObject({ valid: false, diagnosis: 'made with the secret used as text; this vendor base64-decodes what follows whsec_' });
  });

  it('a text secret base64-decoded by the signer', () => {
    const secret = 'c2VjcmV0LWtleS0xMjM0';
    const header = { 'x-retell-signature': `v=${now},d=${hmacHex(Buffer.from(secret, 'base64'), Buffer.concat([body, Buffer.from(String(now))]))}` };
    expect(check(retellLike, header, { secret })).toMatchObject({ diagnosis: expect.stringContaining('base64-decoded; this vendor uses the secret as text') });
  });

  it('base64 where the vendor sends hex', () => {
    const digest = createHmac('sha256', 'test-api-key').update(Buffer.concat([body, Buffer.from(String(now))])).digest('base64');
    expect(check(retellLike, { 'x-retell-signature': `v=${now},d=${digest}` })).toMatchObject({ valid: false, diagnosis: 'the signature is base64 where the vendor sends hex' });
  });

  it('the timestamp in seconds where the vendor uses milliseconds: signed that way, or sent that way', () => {
    const seconds = String(now / 1000);
    // Signed over the ms time but the header carries seconds: the signature does not match.
    const mixed = { 'x-retell-signature': `v=${seconds},d=${hmacHex('test-api-key', Buffer.concat([body, Buffer.from(String(now))]))}` };
    expect(check(retellLike, mixed)).toMatchObject({ valid: false, diagnosis: expect.stringContaining('signed timestamp is in milliseconds') });
    // Consistently in seconds: the signature matches, but the time reads as 1970.
    const consistent = { 'x-retell-signature': `v=${seconds},d=${hmacHex('test-api-key', Buffer.concat([body, Buffer.from(seconds)]))}` };
    expect(check(retellLike, consistent)).toMatchObject({ valid: false, reason: 'expired', diagnosis: 'the timestamp is in seconds; the vendor uses milliseconds' });
  });

  it('the parts in another order (`{timestamp}.{body}` where the vendor signs `{body}{timestamp}`)', () => {
    const header = { 'x-retell-signature': `v=${now},d=${hmacHex('test-api-key', `${now}.${body}`)}` };
    expect(check(retellLike, header)).toMatchObject({ diagnosis: 'it signs `{timestamp}.{body}` instead of `{body}{timestamp}`' });
  });

  it('another secret the user configured', () => {
    const header = { 'x-retell-signature': `v=${now},d=${hmacHex('smallest-secret', Buffer.concat([body, Buffer.from(String(now))]))}` };
    expect(check(retellLike, header, { otherSecrets: new Map([['smallest', 'smallest-secret']]) })).toMatchObject({ diagnosis: 'it was made with the secret configured for smallest' });
  });

  it('upper-case hex passes only a case-insensitive compare', () => {
    const header = { 'x-retell-signature': `v=${now},d=${hmacHex('test-api-key', Buffer.concat([body, Buffer.from(String(now))])).toUpperCase()}` };
    expect(check(retellLike, header)).toMatchObject({ valid: false, reason: 'loose', detail: expect.stringMatching(/^valid only if compared case-insensitively/) });
  });

  it('nothing to name: wrong secret or changed body, said as such', () => {
    const header = { 'x-retell-signature': `v=${now},d=${hmacHex('unknown', 'x')}` };
    const verdict = check(retellLike, header);
    expect(verdict).toMatchObject({ valid: false, reason: 'mismatch', detail: 'signature does not match: wrong secret, or the signed bytes changed' });
    expect('diagnosis' in verdict && verdict.diagnosis).toBeFalsy();
  });

  describe('URL-signed (Twilio)', () => {
    const params = Buffer.from('CallSid=CA1&From=%2B15550100001&To=%2B15550100002');
    const sig = (url: string, encoded = false) =>
      createHmac('sha1', 'tok').update(url + (encoded ? 'CallSidCA1From%2B15550100001To%2B15550100002' : 'CallSidCA1From+15550100001To+15550100002')).digest('base64');
    const verifyFor = (signedUrl: string, encoded = false, extra: Partial<VerifyInput> = {}) =>
      twilio.verify({ body: params, secret: 'tok', url: 'https://abc.ngrok.app/voice', headers: { 'x-twilio-signature': sig(signedUrl, encoded) }, nowMs: 0, ...extra });

    it('signed for the tunnel\'s other host, or the local address', () => {
      const others = [{ url: 'http://127.0.0.1:4400/voice', label: 'the local address' }];
      expect(verifyFor('http://127.0.0.1:4400/voice', false, { otherUrls: others })).toMatchObject({ valid: false, diagnosis: 'it was signed for the local address (http://127.0.0.1:4400/voice), not https://abc.ngrok.app/voice' });
    });

    it('signed for http where the vendor called https', () => {
      expect(verifyFor('http://abc.ngrok.app/voice')).toMatchObject({ diagnosis: expect.stringContaining('signed for the http URL') });
    });

    it('parameters signed URL-encoded', () => {
      expect(verifyFor('https://abc.ngrok.app/voice', true)).toMatchObject({ diagnosis: 'the parameters were signed URL-encoded; Twilio signs their decoded values' });
    });

    it('without the public URL, the verdict asks for it', () => {
      expect(twilio.verify({ body: params, secret: 'tok', headers: { 'x-twilio-signature': sig('https://x/') }, nowMs: 0 })).toMatchObject({ valid: false, reason: 'unknown-url' });
    });
  });

  describe('static tokens', () => {
    const bearer = tokenScheme({ header: doc('authorization'), prefix: 'Bearer ', note: 'test' });
    const plain = tokenScheme({ header: doc('x-vapi-secret'), alsoAccepted: ['x-vapi-signature'], note: 'test' });

    it('the token is valid as configured, and under a legacy header name (said so)', () => {
      expect(bearer.verify({ body, secret: 's3', headers: { authorization: 'Bearer s3' }, nowMs: 0 })).toEqual({ valid: true });
      expect(plain.verify({ body, secret: 's3', headers: { 'x-vapi-signature': 's3' }, nowMs: 0 })).toMatchObject({ valid: true, detail: expect.stringContaining('legacy') });
    });

    it('the Bearer prefix missing, or added where none is used, is named', () => {
      expect(bearer.verify({ body, secret: 's3', headers: { authorization: 's3' }, nowMs: 0 })).toMatchObject({ valid: false, diagnosis: 'the token is there without the "Bearer" prefix' });
      expect(plain.verify({ body, secret: 's3', headers: { 'x-vapi-secret': 'Bearer s3' }, nowMs: 0 })).toMatchObject({ valid: false, diagnosis: 'the token has a "Bearer " prefix this header does not use' });
    });
  });
});

describe('never throws', () => {
  // A small seeded generator: the same cases on every run.
  let seed = 0x2545f491;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 0x1_0000_0000);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const junk = () => {
    const alphabet = ['', 'v=', 'd=', 't=', 'v0=', ',', ' ', 'v1,', 'v1a,', '=', 'whsec_', 'whpk_', 'whsk_', '\u0000', 'é', '%', 'a', 'f', '0', '9', 'Z', '+', '/', String(Date.now())];
    return Array.from({ length: Math.floor(rand() * 12) }, () => pick(alphabet)).join('');
  };
  const schemes: [string, SigningScheme][] = [
    ['retell-like', retellLike],
    ['eleven-like', elevenLike],
    ['standard', standard],
    ['twilio', twilio],
    ['token', tokenScheme({ header: doc('authorization'), prefix: 'Bearer ', note: 'test' })],
    ['field', hmacScheme({ ...(retellLike as unknown as HmacSpec), header: doc('s'), placement: { kind: 'single', header: 's' }, format: doc('x'), algorithm: doc('sha256'), encoding: doc('base64'), key: doc('whsec-or-utf8'), messages: [[{ field: 'a.b' }]], signedBytes: doc('a.b') })],
  ];

  it.each(schemes)('%s: 2,000 random headers, secrets and bodies', (_name, scheme) => {
    for (let i = 0; i < 2000; i++) {
      const headers: HeaderBag = {};
      for (const name of [...scheme.headers.value, 'webhook-id', 'webhook-timestamp', 'x-twilio-webhooks-signature-settings']) if (rand() < 0.8) headers[name] = rand() < 0.1 ? [junk(), junk()] : junk();
      const input = { body: Buffer.from(junk()), secret: junk(), headers, nowMs: Math.floor(rand() * 2e12), url: rand() < 0.5 ? `https://x.test/${junk()}` : junk(), otherUrls: [{ url: junk(), label: 'x' }], otherSecrets: new Map([['y', junk()]]) };
      expect(() => scheme.verify(input)).not.toThrow();
      expect(() => scheme.sign({ body: input.body, secret: input.secret, timestampMs: input.nowMs, url: input.url })).not.toThrow();
    }
  });
});
