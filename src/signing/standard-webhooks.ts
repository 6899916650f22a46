// Standard Webhooks (https://www.standardwebhooks.com, spec 1.0.0): `webhook-id`,
// `webhook-timestamp` (Unix seconds) and `webhook-signature`, a space-separated list of
// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` and `v1a,<base64 ed25519 signature>` entries.
// The symmetric secret is `whsec_` + base64; the key pair is `whsk_` (secret) / `whpk_` (public)
// + base64. Every reference library allows 5 minutes either way. Used by OpenAI (whose SDK uses an
// unprefixed secret as text: `key: 'whsec-or-utf8'`), Svix and many others.
import type { Fact } from '../vendors/types.js';
import { checkWindow, headerValue, hmacScheme, presented, timestampText, unitMistake } from './hmac.js';
import { nodeCrypto } from './primitives.js';
import type { KeyForm } from './primitives.js';
import type { SignatureVerdict, SigningScheme, Tolerance } from './types.js';

export interface StandardWebhooksSpec {
  /** `webhook` for webhook-id/-timestamp/-signature; `svix` for svix-*. */
  prefix?: string;
  key?: KeyForm;
  provenance: Fact<string>['provenance'];
  note: string;
  tolerance?: Tolerance;
}

export const STANDARD_TOLERANCE: Tolerance = { unit: 's', pastMs: 5 * 60_000, futureMs: 5 * 60_000 };

export function standardWebhooksScheme(spec: StandardWebhooksSpec): SigningScheme {
  const prefix = spec.prefix ?? 'webhook';
  const names = { id: `${prefix}-id`, timestamp: `${prefix}-timestamp`, signature: `${prefix}-signature` };
  const fact = <T>(value: T, note = spec.note): Fact<T> => ({ value, provenance: spec.provenance, note });
  const tolerance = spec.tolerance ?? STANDARD_TOLERANCE;
  const hmac = hmacScheme({
    kind: 'standard-webhooks',
    header: fact(names.signature),
    placement: { kind: 'list', header: names.signature, version: 'v1', idHeader: names.id, timestampHeader: names.timestamp },
    format: fact('v1,<base64> (several, space-separated; v1a,<base64> for ed25519)'),
    algorithm: fact('sha256'),
    encoding: fact('base64'),
    key: fact(spec.key ?? 'whsec'),
    messages: [['id', { literal: '.' }, 'timestamp', { literal: '.' }, 'body']],
    signedBytes: fact('"<webhook-id>.<webhook-timestamp>.<raw body>"'),
    timestamp: fact(tolerance, '5 minutes either way, as every Standard Webhooks reference library checks'),
  });
  return {
    ...hmac,
    algorithm: fact('HMAC-SHA256 (v1), or ed25519 (v1a) with a whsk_/whpk_ key pair'),
    key: fact(
      spec.key === 'whsec-or-utf8'
        ? 'whsec_ + base64 (decoded); an unprefixed secret is used as text; whsk_/whpk_ for ed25519'
        : 'whsec_ + base64 (decoded; the prefix is optional); whsk_ (to sign) or whpk_ (to verify) for ed25519',
    ),
    sign(input) {
      if (!isEd25519Key(input.secret)) return hmac.sign(input);
      const key = privateKey(input.secret);
      if (!key) return undefined;
      const id = input.id ?? `msg_${nodeCrypto().randomBytes(18).toString('base64url')}`;
      const ts = timestampText(input.timestampMs, tolerance)!;
      const signature = nodeCrypto().sign(null, Buffer.concat([Buffer.from(`${id}.${ts}.`), Buffer.from(input.body)]), key).toString('base64');
      return { headers: { [names.id]: id, [names.timestamp]: ts, [names.signature]: `v1a,${signature}` } };
    },
    verify(input): SignatureVerdict {
      if (!isEd25519Key(input.secret)) return hmac.verify(input);
      try {
        const got = presented({ kind: 'list', header: names.signature, version: 'v1a', idHeader: names.id, timestampHeader: names.timestamp }, input.headers, [names.signature]);
        if ('missing' in got) return { valid: false, reason: 'missing', detail: got.missing };
        if ('malformed' in got) {
          const hasV1 = /(^| )v1,/.test(headerValue(input.headers, names.signature) ?? '');
          return { valid: false, reason: 'malformed', detail: got.malformed, ...(hasV1 ? { diagnosis: 'the request carries only v1 (HMAC) signatures, but the secret configured is an ed25519 key (whsk_/whpk_)' } : {}) };
        }
        const key = publicKey(input.secret);
        if (!key) return { valid: false, reason: 'malformed', detail: 'the key is not a whpk_ (or whsk_) ed25519 key in base64' };
        const message = Buffer.concat([Buffer.from(`${got.id}.${got.timestamp}.`), Buffer.from(input.body)]);
        const ok = got.signatures.some((sig) => nodeCrypto().verify(null, message, key, Buffer.from(sig, 'base64')));
        if (!ok) return { valid: false, reason: 'mismatch', detail: 'no v1a signature verifies with this public key: another key, or the signed bytes changed' };
        const window = checkWindow(got.timestamp!, tolerance, input.nowMs);
        if (window && !window.valid) {
          const unit = unitMistake(got.timestamp!, tolerance, input.nowMs);
          return { ...window, detail: `${window.detail} (the signature itself matches)`, ...(unit ? { diagnosis: unit } : {}) };
        }
        return { valid: true, detail: 'v1a (ed25519)' };
      } catch (err) {
        return { valid: false, reason: 'malformed', detail: `could not check the signature: ${(err as Error).message}` };
      }
    },
  };
}

const isEd25519Key = (secret: string) => secret.startsWith('whsk_') || secret.startsWith('whpk_');

// DER wrappings of raw ed25519 keys (RFC 8410): PKCS#8 for a 32-byte seed, SPKI for a public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The private key of a whsk_ secret: base64 of the 32-byte seed, or of seed + public key (64 bytes). */
function privateKey(secret: string) {
  if (!secret.startsWith('whsk_')) return undefined;
  const raw = Buffer.from(secret.slice(5), 'base64');
  if (raw.length !== 32 && raw.length !== 64) return undefined;
  return nodeCrypto().createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
}

/** The public key of a whpk_ key (base64 of 32 bytes), or derived from a whsk_ secret. */
function publicKey(secret: string) {
  if (secret.startsWith('whsk_')) {
    const key = privateKey(secret);
    return key ? nodeCrypto().createPublicKey(key) : undefined;
  }
  const raw = Buffer.from(secret.slice(5), 'base64');
  if (raw.length !== 32) return undefined;
  return nodeCrypto().createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** A new ed25519 key pair as Standard Webhooks serialises it, for tests and `--secret` generation. */
export function generateEd25519Pair(): { secret: string; public: string } {
  const { privateKey: priv, publicKey: pub } = nodeCrypto().generateKeyPairSync('ed25519');
  const seed = priv.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);
  const raw = pub.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
  return { secret: `whsk_${seed.toString('base64')}`, public: `whpk_${raw.toString('base64')}` };
}
