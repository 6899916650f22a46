// Signing in tests the way the CLI signs: the headers a vendor's scheme adds, and verifying a
// single-header scheme from the signature value alone.
import { signRequest } from '../../src/signing/signature.js';
import type { SignatureVerdict, SigningScheme } from '../../src/signing/types.js';
import type { VendorDefinition } from '../../src/vendors/types.js';

const bytes = (body: Uint8Array | string) => (typeof body === 'string' ? Buffer.from(body, 'utf8') : body);

/** The headers `vendor` would add to this body (none when it signs nothing). */
export function signedHeaders(vendor: VendorDefinition, body: Uint8Array | string, secret: string, options: { timestampMs?: number; url?: string } = {}): Record<string, string> {
  return signRequest(vendor, { body: bytes(body), secret, timestampMs: options.timestampMs ?? Date.now(), url: options.url })?.headers ?? {};
}

/** A single-header scheme's signature value for this body. */
export function signatureOf(scheme: SigningScheme, body: Uint8Array | string, secret: string): string | undefined {
  const signed = scheme.sign({ body: bytes(body), secret, timestampMs: Date.now() });
  return signed?.headers[scheme.headers.value[0]!];
}

/** Verify a single-header scheme from the signature value (undefined: the header is absent). */
export function verifyValue(scheme: SigningScheme, body: Uint8Array | string, secret: string, value: string | undefined): SignatureVerdict {
  return scheme.verify({ body: bytes(body), secret, headers: value === undefined ? {} : { [scheme.headers.value[0]!]: value }, nowMs: Date.now() });
}
