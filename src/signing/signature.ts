// Signing and verifying a request for a vendor through its scheme, with the one thing a user can
// change from the command line: the name of the signature header (--signature-header), for a
// vendor whose wire name is uncertain.
import { findEvent } from '../vendors/index.js';
import type { EventDefinition, VendorDefinition } from '../vendors/types.js';
import type { HeaderBag, SignatureVerdict, Signed, SigningScheme, SignInput, VerifyInput } from './types.js';

export type { HeaderBag, SignatureVerdict, Signed } from './types.js';

/**
 * The scheme an event is signed with: its own when it has one (or none: `null`, such as
 * ElevenLabs' conversation-initiation webhook), else the vendor's.
 */
export function schemeFor(vendor: VendorDefinition, event?: string | EventDefinition): SigningScheme | null {
  const e = typeof event === 'string' ? findEvent(vendor, event) : event;
  return e && e.signing !== undefined ? e.signing : vendor.signing;
}

/** Why an event is unsigned, in a few words (the vendor's full note is in `hookscope vendors <id>`). */
export function unsignedNote(vendor: VendorDefinition, event?: string | EventDefinition): string {
  const e = typeof event === 'string' ? findEvent(vendor, event) : event;
  if (e?.signing === null) return e.signingNote ?? `${vendor.id} signs ${e.name} with nothing`;
  return `${vendor.id} documents no signature scheme`;
}

/** The header names a vendor's signature may arrive in (lower case, preferred first); only `override` when given. */
export function signatureHeaderNames(vendor: VendorDefinition, override?: string, event?: string | EventDefinition): string[] {
  const scheme = schemeFor(vendor, event);
  if (override) return [override.toLowerCase()];
  return scheme ? [scheme.headers.value[0]!, ...(scheme.alsoAccepted ?? [])] : [];
}

/** Every header a vendor's scheme sets (the signature's first), for dropping a recorded signature. */
export function schemeHeaderNames(vendor: VendorDefinition, override?: string, event?: string | EventDefinition): string[] {
  const scheme = schemeFor(vendor, event);
  if (!scheme) return [];
  return [...new Set([...signatureHeaderNames(vendor, undefined, event), ...scheme.headers.value, ...(override ? [override.toLowerCase()] : [])])];
}

/** Whether a request carries the vendor's signature header, by any accepted spelling. */
export function hasSignatureHeader(vendor: VendorDefinition, headers: HeaderBag, override?: string, event?: string | EventDefinition): string | undefined {
  for (const name of signatureHeaderNames(vendor, override, event)) if (first(headers[name]) !== undefined) return name;
  return undefined;
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** The headers (and URL) a vendor would send with these exact bytes, or undefined when it signs nothing. */
export function signRequest(vendor: VendorDefinition, input: SignInput, headerOverride?: string, event?: string | EventDefinition): Signed | undefined {
  const scheme = schemeFor(vendor, event);
  if (!scheme) return undefined;
  const signed = scheme.sign(input);
  if (!signed || !headerOverride) return signed;
  const name = scheme.headers.value[0]!;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k === name ? headerOverride.toLowerCase() : k] = v;
  return { ...signed, headers };
}

export type RequestVerdict = SignatureVerdict | { valid: false; reason: 'unsigned-vendor'; detail: string };

/** Verify a received request. Never throws. `headers` should have lower-case names. */
export function verifyRequest(vendor: VendorDefinition, input: VerifyInput, headerOverride?: string, event?: string | EventDefinition): RequestVerdict {
  const scheme = schemeFor(vendor, event);
  if (!scheme) return { valid: false, reason: 'unsigned-vendor', detail: (typeof event === 'object' ? event.signingNote : undefined) ?? vendor.signingNote ?? unsignedNote(vendor, event) };
  let headers = lowerCased(input.headers);
  if (headerOverride) {
    // The signature is read from the header the user named, as if it were the scheme's own.
    headers = { ...headers, [scheme.headers.value[0]!]: headers[headerOverride.toLowerCase()] };
  }
  return scheme.verify({ ...input, headers });
}

function lowerCased(headers: HeaderBag): HeaderBag {
  let lower = true;
  for (const k in headers) if (k !== k.toLowerCase()) lower = false;
  if (lower) return headers;
  const out: HeaderBag = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}
