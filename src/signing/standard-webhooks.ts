// Standard Webhooks (https://www.standardwebhooks.com, spec 1.0.0): `webhook-id`,
// `webhook-timestamp` (Unix seconds) and `webhook-signature`, a space-separated list of
// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` and `v1a,<base64 ed25519 signature>` entries.
// The symmetric secret is `whsec_` + base64; the key pair is `whsk_` (secret) / `whpk_` (public)
// + base64. Every reference library allows 5 minutes either way. Used by OpenAI (whose SDK uses an
// unprefixed secret as text: `key: 'whsec-or-utf8'`), Svix and many others. Svix's own brand names
// the headers `svix-id`, `svix-timestamp` and `svix-signature` (docs.svix.com, "Verifying
// manually"); with `svixHeaders`, a request without `webhook-signature` is read from those.
import type { Fact } from '../vendors/types.js';
import { checkWindow, headerValue, hmacScheme, presented, timestampText, unitMistake, type Placement } from './hmac.js';
import { newMessageId, nodeCrypto } from './primitives.js';
import type { KeyForm } from './primitives.js';
import type { HeaderBag, SignatureVerdict, SigningScheme, Tolerance, VerifyInput } from './types.js';

export interface StandardWebhooksSpec {
  /** `webhook` for webhook-id/-timestamp/-signature; `svix` for svix-*. */
  prefix?: string;
  key?: KeyForm;
  provenance: Fact<string>['provenance'];
  note: string;
  /** Where the key form comes from, when it needs its own source (OpenAI's SDK reads an unprefixed secret as text). */
  keyNote?: string;
  tolerance?: Tolerance;
  /** Where the tolerance comes from, when it is not the reference libraries' 5 minutes. */
  toleranceNote?: string;
  /**
   * Also read Svix's header names (svix-id, svix-timestamp, svix-signature) when a request has no
   * `<prefix>-signature`: senders "powered by Svix" use them. Signing always uses `prefix`.
   */
  svixHeaders?: boolean;
  /** ed25519 (v1a) with whsk_/whpk_ keys (default true); false for a sender that signs only v1 (OpenAI). */
  asymmetric?: boolean;
}

export const STANDARD_TOLERANCE: Tolerance = { unit: 's', pastMs: 5 * 60_000, futureMs: 5 * 60_000 };

/** The three header names of one spelling. */
interface Names {
  prefix: string;
  id: string;
  timestamp: string;
  signature: string;
}

const namesOf = (prefix: string): Names => ({ prefix, id: `${prefix}-id`, timestamp: `${prefix}-timestamp`, signature: `${prefix}-signature` });
const SVIX = namesOf('svix');

export function standardWebhooksScheme(spec: StandardWebhooksSpec): SigningScheme {
  const names = namesOf(spec.prefix ?? 'webhook');
  const svix = spec.svixHeaders && names.prefix !== SVIX.prefix ? SVIX : undefined;
  const asymmetric = spec.asymmetric ?? true;
  const fact = <T>(value: T, note = spec.note): Fact<T> => ({ value, provenance: spec.provenance, note });
  const tolerance = spec.tolerance ?? STANDARD_TOLERANCE;
  const v1 = (n: Names) =>
    hmacScheme({
      kind: 'standard-webhooks',
      header: fact(n.signature),
      placement: list(n, 'v1'),
      format: fact(asymmetric ? 'v1,<base64> (several, space-separated; v1a,<base64> for ed25519)' : 'v1,<base64> (several, space-separated)'),
      algorithm: fact('sha256'),
      encoding: fact('base64'),
      key: fact(spec.key ?? 'whsec'),
      messages: [['id', { literal: '.' }, 'timestamp', { literal: '.' }, 'body']],
      signedBytes: fact(`"<${names.id}>.<${names.timestamp}>.<raw body>"`),
      timestamp: fact(tolerance, spec.toleranceNote ?? '5 minutes either way, as every Standard Webhooks reference library checks'),
    });
  const hmac = v1(names);
  const svixHmac = svix && v1(svix);

  /** Verify with one spelling of the headers. */
  const verifyWith = (n: Names, scheme: SigningScheme, input: VerifyInput): SignatureVerdict =>
    asymmetric && isEd25519Key(input.secret) ? verifyEd25519(n, input, tolerance) : scheme.verify(input);

  return {
    ...hmac,
    ...(svix ? { alsoAccepted: [svix.signature] } : {}),
    algorithm: fact(asymmetric ? 'HMAC-SHA256 (v1), or ed25519 (v1a) with a whsk_/whpk_ key pair' : 'HMAC-SHA256 (v1)'),
    key: fact(keyText(spec.key, asymmetric), spec.keyNote ?? spec.note),
    secretProblem(secret, use) {
      if (!asymmetric || !isEd25519Key(secret)) return hmac.secretProblem!(secret, use);
      if (use === 'sign' && secret.startsWith('whpk_')) return 'a whpk_ key is public: it verifies v1a signatures; signing needs the whsk_ key';
      const ok = secret.startsWith('whsk_') ? privateKey(secret) : publicKey(secret);
      return ok ? undefined : `the key is not a ${secret.slice(0, 5)} ed25519 key in base64 (32 bytes${secret.startsWith('whsk_') ? ', or 64 with the public key' : ''})`;
    },
    sign(input) {
      if (!asymmetric || !isEd25519Key(input.secret)) return hmac.sign(input);
      try {
        const key = privateKey(input.secret);
        if (!key) return undefined;
        const id = input.id ?? newMessageId();
        const ts = timestampText(input.timestampMs, tolerance)!;
        const signature = nodeCrypto().sign(null, Buffer.concat([Buffer.from(`${id}.${ts}.`), Buffer.from(input.body)]), key).toString('base64');
        return { headers: { [names.id]: id, [names.timestamp]: ts, [names.signature]: `v1a,${signature}` } };
      } catch {
        return undefined;
      }
    },
    // Svix's spelling when the request uses it, as verify reads it.
    signedAt: (headers) => (svix && svixHmac && usesSvixNames(headers, names) ? svixHmac : hmac).signedAt!(headers),
    verify(input): SignatureVerdict {
      if (!svix || !svixHmac || !usesSvixNames(input.headers, names)) return verifyWith(names, hmac, input);
      // Svix's spelling: the same scheme, read from svix-*; the verdict says so.
      const verdict = verifyWith(svix, svixHmac, input);
      const said = 'read from the svix-id, svix-timestamp and svix-signature headers (Svix\'s names)';
      return { ...verdict, detail: verdict.detail ? `${verdict.detail}; ${said}` : said };
    },
  };
}

const list = (n: Names, version: string): Placement & { kind: 'list' } => ({ kind: 'list', header: n.signature, version, idHeader: n.id, timestampHeader: n.timestamp });

/** Svix's names are read only when the standard signature header is absent and one of Svix's is present. */
function usesSvixNames(headers: HeaderBag, names: Names): boolean {
  if (headerValue(headers, names.signature) !== undefined) return false;
  return headerValue(headers, SVIX.signature) !== undefined || headerValue(headers, SVIX.id) !== undefined || headerValue(headers, SVIX.timestamp) !== undefined;
}

function keyText(form: KeyForm | undefined, asymmetric: boolean): string {
  const symmetric =
    form === 'whsec-or-utf8'
      ? 'whsec_ + base64 (decoded); an unprefixed secret is used as text'
      : 'whsec_ + base64 (decoded; the prefix is optional)';
  return asymmetric ? `${symmetric}; whsk_ (to sign) or whpk_ (to verify) for ed25519` : symmetric;
}

function verifyEd25519(names: Names, input: VerifyInput, tolerance: Tolerance): SignatureVerdict {
  try {
    const got = presented(list(names, 'v1a'), input.headers, [names.signature]);
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
