// The cryptographic primitives every scheme shares: HMAC digests, turning a secret into a key,
// and constant-time comparison. node:crypto is loaded on first use: every command loads the
// vendor catalog, but only signing and verifying need crypto (validate never does).
import { createRequire } from 'node:module';

const requireBuiltin = createRequire(import.meta.url);
let crypto: typeof import('node:crypto') | undefined;
export const nodeCrypto = () => (crypto ??= requireBuiltin('node:crypto') as typeof import('node:crypto'));

export type Algorithm = 'sha256' | 'sha1' | 'sha512';

/** Bytes in a digest of each algorithm: what a presented signature must decode to. */
export const DIGEST_BYTES: Readonly<Record<Algorithm, number>> = { sha256: 32, sha1: 20, sha512: 64 };

/**
 * How a secret becomes the key: `utf8` uses its text; `whsec` base64-decodes what follows an
 * optional `whsec_` prefix (Standard Webhooks); `whsec-or-utf8` decodes after `whsec_` and uses
 * an unprefixed secret as text (OpenAI's SDK).
 */
export type KeyForm = 'utf8' | 'whsec' | 'whsec-or-utf8';

export function digest(algorithm: Algorithm, key: Uint8Array, message: Uint8Array): Buffer {
  return nodeCrypto().createHmac(algorithm, key).update(message).digest();
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The key bytes for a secret, or undefined when the secret cannot be one in this form. */
export function keyBytes(secret: string, form: KeyForm): Buffer | undefined {
  if (secret === '') return undefined;
  if (form === 'utf8' || (form === 'whsec-or-utf8' && !secret.startsWith('whsec_'))) return Buffer.from(secret, 'utf8');
  const b64 = secret.startsWith('whsec_') ? secret.slice(6) : secret;
  if (!BASE64.test(b64)) return undefined;
  const key = Buffer.from(b64, 'base64');
  return key.length > 0 ? key : undefined;
}

/** The other ways a secret is commonly (mis)used as a key, for diagnosing a failed check. */
export function otherKeyForms(secret: string, form: KeyForm): { key: Buffer; mistake: string }[] {
  const out: { key: Buffer; mistake: string }[] = [];
  const asText = Buffer.from(secret, 'utf8');
  const afterPrefix = secret.startsWith('whsec_') ? secret.slice(6) : undefined;
  const decoded = BASE64.test(afterPrefix ?? secret) ? Buffer.from(afterPrefix ?? secret, 'base64') : undefined;
  if (form === 'utf8') {
    if (decoded?.length) out.push({ key: decoded, mistake: `made with the secret base64-decoded${afterPrefix !== undefined ? ' after whsec_' : ''}; this vendor uses the secret as text` });
    if (afterPrefix) out.push({ key: Buffer.from(afterPrefix, 'utf8'), mistake: 'made with the secret without its whsec_ prefix; this vendor uses the whole secret as text' });
  } else {
    out.push({ key: asText, mistake: 'made with the secret used as text; this vendor base64-decodes what follows whsec_' });
    if (afterPrefix) out.push({ key: Buffer.from(afterPrefix, 'utf8'), mistake: 'made with the text after whsec_ used as is; it is base64, to be decoded' });
    if (form === 'whsec-or-utf8' && afterPrefix === undefined && decoded?.length) {
      out.push({ key: decoded, mistake: 'made with the secret base64-decoded; without the whsec_ prefix this vendor uses it as text' });
    }
  }
  return out;
}

/**
 * A message id for schemes that sign one (Standard Webhooks' webhook-id): `msg_` and 24 random
 * characters. A sender keeps it across the retries of one message.
 */
export function newMessageId(): string {
  return `msg_${nodeCrypto().randomBytes(18).toString('base64url')}`;
}

/** Equal bytes, compared in constant time (a wrong length is simply unequal). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && nodeCrypto().timingSafeEqual(a, b);
}
