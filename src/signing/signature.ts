// Signing and verifying a request for a vendor: finding the header (with the spellings
// receivers accept) and delegating to the vendor's own scheme.
import type { VendorDefinition, VerifyResult } from '../vendors/types.js';

export type HeaderBag = Record<string, string | string[] | undefined>;

/** The header names a vendor's signature may arrive in (lower case, preferred first); only `override` when given. */
export function signatureHeaderNames(vendor: VendorDefinition, override?: string): string[] {
  const scheme = vendor.signing;
  if (override) return [override.toLowerCase()];
  return scheme ? [scheme.header.value, ...(scheme.alsoAccepted ?? [])] : [];
}

/** The signature header a request carries for this vendor, by any accepted spelling. */
export function findSignatureHeader(vendor: VendorDefinition, headers: HeaderBag, override?: string): { name: string; value: string } | undefined {
  const scheme = vendor.signing;
  if (!scheme) return undefined;
  const names = signatureHeaderNames(vendor, override);
  // Node's request headers are lower case already: look them up directly first.
  for (const name of names) {
    const value = first(headers[name]);
    if (value !== undefined) return { name, value };
  }
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), first(v)]));
  for (const name of names) {
    const value = lower.get(name);
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

export interface Signed {
  header: string;
  signature: string;
}

/** The header and signature a vendor would put on this body, or undefined when it signs nothing. */
export function signBody(vendor: VendorDefinition, rawBody: Uint8Array | string, secret: string, headerOverride?: string): Signed | undefined {
  const scheme = vendor.signing;
  if (!scheme) return undefined;
  const bytes = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  const signature = scheme.sign(bytes, secret);
  return signature === undefined ? undefined : { header: headerOverride?.toLowerCase() ?? scheme.header.value, signature };
}

export type RequestVerdict = VerifyResult | { valid: false; reason: 'unsigned-vendor'; detail: string };

/** Verify a received request. Never throws. */
export function verifyRequest(vendor: VendorDefinition, rawBody: Uint8Array | string, secret: string, headers: HeaderBag, headerOverride?: string): RequestVerdict {
  const scheme = vendor.signing;
  if (!scheme) return { valid: false, reason: 'unsigned-vendor', detail: vendor.signingNote ?? `${vendor.id} documents no signature` };
  const bytes = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  const found = findSignatureHeader(vendor, headers, headerOverride);
  if (!found) return { valid: false, reason: 'missing', detail: `no ${headerOverride ?? scheme.header.value} header` };
  return scheme.verify(bytes, secret, found.value);
}
