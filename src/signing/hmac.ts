// HMAC signing primitives shared by every vendor scheme. Pure: no I/O.
import { createRequire } from 'node:module';
import type { Fact, SigningScheme, VerifyResult } from '../vendors/types.js';

// node:crypto loads ~15 internal modules; every command loads the catalog, but only signing and
// verifying need crypto, so it is loaded on first use (validate never does).
const requireBuiltin = createRequire(import.meta.url);
let crypto: typeof import('node:crypto') | undefined;
const nodeCrypto = () => (crypto ??= requireBuiltin('node:crypto') as typeof import('node:crypto'));

export type Encoding = 'hex' | 'base64';

export function hmacSha256(secret: string, bytes: Uint8Array | string, encoding: Encoding): string {
  return nodeCrypto().createHmac('sha256', secret).update(bytes).digest(encoding);
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
// A padded base64 SHA-256 digest is always 44 characters ending in one '='.
const B64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/** Decode a presented signature to its digest bytes, or say why it is not one. */
function decodeSignature(value: string, encoding: Encoding): Buffer | string {
  if (encoding === 'hex') {
    // Node stops decoding hex at the first character that is not hex, so 64 characters that
    // give 32 bytes are a well-formed digest: no regex for every request the listener checks.
    const bytes = value.length === 64 ? Buffer.from(value, 'hex') : undefined;
    if (bytes?.length === 32) return bytes;
    return `expected 64 hex characters, got ${value.length} character${value.length === 1 ? '' : 's'}${/^[A-Za-z0-9+/]+=*$/.test(value) && value.length === 44 ? ' (this looks like base64)' : ''}`;
  }
  if (!B64_SHA256.test(value)) {
    return `expected 44 base64 characters, got ${value.length}${HEX_SHA256.test(value) ? ' (this looks like hex)' : ''}`;
  }
  return Buffer.from(value, 'base64');
}

/**
 * Compare a presented signature with the expected one in constant time. Unlike Relyable's
 * own Node sample (timingSafeEqual on unequal lengths throws), a wrong length is a verdict.
 */
export function compareSignature(presented: string | undefined, expected: string, encoding: Encoding): VerifyResult {
  if (presented === undefined || presented.trim() === '') {
    return { valid: false, reason: 'missing', detail: 'no signature header' };
  }
  const got = decodeSignature(presented.trim(), encoding);
  if (typeof got === 'string') return { valid: false, reason: 'malformed', detail: got };
  const want = Buffer.from(expected, encoding);
  if (got.length !== want.length || !nodeCrypto().timingSafeEqual(got, want)) {
    return { valid: false, reason: 'mismatch', detail: 'signature does not match: wrong secret, or the signed bytes changed' };
  }
  // Vendors send lower-case hex, and receivers built to their docs compare the strings: the
  // same digest in upper case passes only a looser check than theirs.
  if (encoding === 'hex' && presented.trim() !== expected) {
    return { valid: false, reason: 'loose', detail: 'valid only if compared case-insensitively: the vendor sends lower-case hex, and receivers built to its docs compare the strings as they are' };
  }
  return { valid: true };
}

export interface HmacSchemeSpec {
  header: Fact<string>;
  alsoAccepted?: string[];
  encoding: Fact<Encoding>;
  signedBytes: Fact<string>;
  caveat?: string;
  /**
   * The byte strings a receiver may have signed for this raw body, best first; empty when the
   * body cannot be signed (e.g. a field the scheme signs is absent). The first is what `sign` uses.
   */
  candidates(rawBody: Uint8Array): Uint8Array[];
  /**
   * The same byte strings in the order cheapest to try when verifying, made only as they are
   * needed (a listener verifies every request); defaults to `candidates`.
   */
  verifyOrder?(rawBody: Uint8Array): Iterable<Uint8Array>;
}

/** Build a sign/verify pair for an HMAC-SHA256 scheme from the bytes it covers. */
export function hmacScheme(spec: HmacSchemeSpec): SigningScheme {
  const encoding = spec.encoding.value;
  return {
    header: spec.header,
    alsoAccepted: spec.alsoAccepted,
    algorithm: { value: 'HMAC-SHA256', provenance: spec.encoding.provenance, note: spec.encoding.note },
    encoding: spec.encoding,
    signedBytes: spec.signedBytes,
    caveat: spec.caveat,
    sign(rawBody, secret) {
      const first = safeCandidates(spec, rawBody)[0];
      return first === undefined ? undefined : hmacSha256(secret, first, encoding);
    },
    verify(rawBody, secret, headerValue) {
      // The best verdict over the candidates: valid, else a loose match, else the last mismatch.
      let best: VerifyResult | undefined;
      try {
        for (const bytes of spec.verifyOrder ? spec.verifyOrder(rawBody) : spec.candidates(rawBody)) {
          const verdict = compareSignature(headerValue, hmacSha256(secret, bytes, encoding), encoding);
          if (verdict.valid || (verdict.reason !== 'mismatch' && verdict.reason !== 'loose')) return verdict;
          if (best === undefined || best.valid || best.reason !== 'loose') best = verdict;
        }
      } catch {
        // A body the scheme cannot read has nothing more to try; `best` says what was found.
      }
      return best ?? { valid: false, reason: 'unsignable', detail: `cannot compute the signed bytes: ${spec.signedBytes.value}` };
    },
  };
}

function safeCandidates(spec: HmacSchemeSpec, rawBody: Uint8Array): Uint8Array[] {
  try {
    return spec.candidates(rawBody);
  } catch {
    return [];
  }
}

/** Parse a body as JSON, or undefined when it is not JSON. Used by schemes that sign a derived value. */
export function parseJsonBytes(rawBody: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}
