// Twilio's X-Twilio-Signature: base64 HMAC-SHA1, keyed with the Auth Token, of the full URL
// Twilio called (scheme, host, path, query) followed by the POST parameters sorted by name, each
// written name + value, URL-decoded. A JSON body is signed through the URL instead: Twilio adds
// `bodySHA256=<hex SHA-256 of the body>` to it and signs the URL alone. With a Webhooks shared
// key, `X-Twilio-Webhooks-Signature-Settings: …algorithm=HMAC_SHA256` switches to HMAC-SHA256.
// Twilio's SDK accepts the URL with and without the default port: so does this scheme.
import type { Fact } from '../vendors/types.js';
import { headerValue, sortedFormParams } from './hmac.js';
import { digest, equalBytes, nodeCrypto, type Algorithm } from './primitives.js';
import { portVariants } from './urls.js';
import { reserialised } from './diagnose.js';
import type { SignatureVerdict, SigningScheme, VerifyInput } from './types.js';

export const TWILIO_SIGNATURE = 'x-twilio-signature';
export const TWILIO_SETTINGS = 'x-twilio-webhooks-signature-settings';

export interface TwilioFacts {
  header: Fact<string>;
  algorithm: Fact<string>;
  signedBytes: Fact<string>;
  key: Fact<string>;
}

const sha256Hex = (body: Uint8Array) => nodeCrypto().createHash('sha256').update(body).digest('hex');

/** Whether a body goes as JSON (signed through bodySHA256) rather than as form parameters. */
function isJsonBody(body: Uint8Array, contentType: string | undefined): boolean {
  if (contentType !== undefined) return /json/i.test(contentType);
  const first = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 64)).toString('utf8').trimStart()[0];
  return first === '{' || first === '[';
}

/** The URL with `bodySHA256` added, as Twilio sends JSON bodies. */
export function withBodyHash(url: string, body: Uint8Array): string {
  return `${url}${url.includes('?') ? '&' : '?'}bodySHA256=${sha256Hex(body)}`;
}

function expected(algorithm: Algorithm, token: string, url: string, body: Uint8Array, json: boolean, decodeParams = true): Buffer {
  const params = json ? '' : decodeParams ? sortedFormParams(body) : rawSortedParams(body);
  return digest(algorithm, Buffer.from(token, 'utf8'), Buffer.from(url + params, 'utf8'));
}

/** The parameters sorted but left URL-encoded: a common slip when rebuilding the signed string. */
function rawSortedParams(body: Uint8Array): string {
  const pairs = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    .toString('utf8')
    .split('&')
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)];
    })
    .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
  return pairs.map(([k, v]) => k! + v!).join('');
}

export function twilioScheme(facts: TwilioFacts): SigningScheme {
  return {
    kind: 'twilio',
    headers: { value: [TWILIO_SIGNATURE], provenance: facts.header.provenance, note: facts.header.note },
    format: { value: '<base64 digest>', provenance: facts.header.provenance, note: facts.header.note },
    algorithm: facts.algorithm,
    encoding: { value: 'base64', provenance: facts.algorithm.provenance, note: facts.algorithm.note },
    signedBytes: facts.signedBytes,
    key: facts.key,
    signsUrl: true,
    caveat: 'the signature covers the URL Twilio called: behind a tunnel, verify against the public URL (listen --public-url)',
    sign(input) {
      try {
        if (input.url === undefined || input.secret === '') return undefined;
        const json = isJsonBody(input.body, input.contentType);
        const url = json ? withBodyHash(input.url, input.body) : input.url;
        const signature = expected('sha1', input.secret, url, input.body, json).toString('base64');
        return { headers: { [TWILIO_SIGNATURE]: signature }, ...(json ? { url } : {}) };
      } catch {
        return undefined;
      }
    },
    verify(input) {
      try {
        return verifyTwilio(input);
      } catch (err) {
        return { valid: false, reason: 'malformed', detail: `could not check the signature: ${(err as Error).message}` };
      }
    },
  };
}

function verifyTwilio(input: VerifyInput): SignatureVerdict {
  const presented = headerValue(input.headers, TWILIO_SIGNATURE)?.trim();
  if (!presented) return { valid: false, reason: 'missing', detail: `no ${TWILIO_SIGNATURE} header` };
  const settings = headerValue(input.headers, TWILIO_SETTINGS) ?? '';
  const algorithm: Algorithm = /algorithm=HMAC_SHA256/i.test(settings) ? 'sha256' : 'sha1';
  const size = algorithm === 'sha1' ? 20 : 32;
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(presented) ? Buffer.from(presented, 'base64') : undefined;
  if (!bytes || bytes.length !== size) {
    const hex = /^[0-9a-f]+$/i.test(presented) && presented.length === size * 2;
    return { valid: false, reason: 'malformed', detail: `expected ${Math.ceil(size / 3) * 4} base64 characters (HMAC-${algorithm.toUpperCase()}), got ${presented.length}${hex ? ' (this looks like hex)' : ''}` };
  }
  if (input.url === undefined) return { valid: false, reason: 'unknown-url', detail: 'Twilio signs the URL it called: give the public URL with --public-url (or use a tunnel that sets X-Forwarded-Host)' };
  const json = /[?&]bodySHA256=/.test(input.url);
  if (json) {
    const declared = new URL(input.url).searchParams.get('bodySHA256') ?? '';
    if (declared.toLowerCase() !== sha256Hex(input.body)) {
      // A framework that parsed and re-serialised the JSON hands on other bytes than Twilio hashed.
      const other = reserialised(input.body).find((r) => sha256Hex(r.body) === declared.toLowerCase());
      const diagnosis = other
        ? `the body Twilio hashed is this body re-serialised (${other.how}): hash and verify the raw body as received`
        : 'the body is not the one Twilio hashed';
      return { valid: false, reason: 'mismatch', detail: 'the bodySHA256 in the URL is not the SHA-256 of this body: the body changed on the way', diagnosis };
    }
  }
  for (const variant of portVariants(input.url)) {
    if (equalBytes(bytes, expected(algorithm, input.secret, variant.url, input.body, json))) {
      return variant.label ? { valid: true, detail: `matched for the URL ${variant.label}, as Twilio's SDK accepts` } : { valid: true };
    }
  }
  const diagnosis = diagnoseTwilio(input, algorithm, bytes, json);
  return { valid: false, reason: 'mismatch', detail: diagnosis ? `signature does not match: ${diagnosis}` : `signature does not match for ${input.url}: another URL, another Auth Token, or the parameters changed`, ...(diagnosis ? { diagnosis } : {}) };
}

function diagnoseTwilio(input: VerifyInput, algorithm: Algorithm, bytes: Buffer, json: boolean): string | undefined {
  const url = input.url!;
  const tries: { mistake: string; sig: () => Buffer }[] = [];
  for (const other of input.otherUrls ?? []) {
    for (const variant of portVariants(other.url)) tries.push({ mistake: `it was signed for ${other.label} (${variant.url}), not ${url}`, sig: () => expected(algorithm, input.secret, variant.url, input.body, json) });
  }
  try {
    const flipped = new URL(url);
    flipped.protocol = flipped.protocol === 'https:' ? 'http:' : 'https:';
    tries.push({ mistake: `it was signed for the ${flipped.protocol.slice(0, -1)} URL (${flipped}), not ${url}`, sig: () => expected(algorithm, input.secret, flipped.toString(), input.body, json) });
  } catch {
    // no flip for a non-URL
  }
  if (!json) tries.push({ mistake: 'the parameters were signed URL-encoded; Twilio signs their decoded values', sig: () => expected(algorithm, input.secret, url, input.body, json, false) });
  const other: Algorithm = algorithm === 'sha1' ? 'sha256' : 'sha1';
  tries.push({ mistake: `it is HMAC-${other.toUpperCase()} where the request says HMAC-${algorithm.toUpperCase()}`, sig: () => expected(other, input.secret, url, input.body, json) });
  for (const [label, secret] of input.otherSecrets ?? []) {
    if (secret !== input.secret) tries.push({ mistake: `it was made with the secret configured for ${label}`, sig: () => expected(algorithm, secret, url, input.body, json) });
  }
  for (const t of tries) {
    const want = t.sig();
    if (want.length === bytes.length && equalBytes(want, bytes)) return t.mistake;
  }
  return undefined;
}
