// Signing and verifying a request for a vendor through the right scheme: the event's own (or
// none), the authentication mode the user chose (--auth, for vendors such as Vapi that offer
// several), or the vendor's; with the one change a user can make from the command line, the
// name of the signature header (--signature-header).
import { UserError } from '../errors.js';
import { findEvent } from '../vendors/index.js';
import type { AuthMode, EventDefinition, VendorDefinition } from '../vendors/types.js';
import type { HeaderBag, SignatureVerdict, Signed, SigningScheme, SignInput, VerifyInput } from './types.js';

export type { HeaderBag, SignatureVerdict, Signed } from './types.js';

/** An authentication mode picked with --auth, and its settings (--auth-setting name=value). */
export interface AuthChoice {
  mode: string;
  settings?: Readonly<Record<string, string>>;
}

/** What decides the scheme, beyond the vendor: the event, --auth, --signature-header. */
export interface Choice {
  event?: string | EventDefinition;
  auth?: AuthChoice;
  headerOverride?: string;
}

const eventOf = (vendor: VendorDefinition, event: Choice['event']) => (typeof event === 'string' ? findEvent(vendor, event) : event);

/** The vendor's mode of that name, or a usage error that lists its modes. */
export function authMode(vendor: VendorDefinition, name: string): AuthMode {
  const modes = vendor.authModes ?? {};
  const mode = modes[name];
  if (mode) return mode;
  const known = Object.keys(modes);
  throw new UserError(
    `--auth ${JSON.stringify(name)}: ${known.length ? `${vendor.id} has no such mode` : `${vendor.id} has one signing scheme, no modes to choose from`}`,
    known.length ? `modes: ${known.join(', ')} (see hookscope vendors ${vendor.id})` : undefined,
  );
}

const made = new WeakMap<AuthMode, Map<string, SigningScheme | null>>();

/** A mode's scheme for these settings (made once per settings). */
function modeScheme(mode: AuthMode, settings: Readonly<Record<string, string>> = {}): SigningScheme | null {
  let byKey = made.get(mode);
  if (!byKey) made.set(mode, (byKey = new Map()));
  const key = JSON.stringify(Object.entries(settings).sort());
  if (!byKey.has(key)) byKey.set(key, mode.create(settings));
  return byKey.get(key)!;
}

/**
 * The scheme a request is signed with: the --auth mode when one is chosen, else the event's own
 * (or none: `null`, such as ElevenLabs' conversation-initiation webhook), else the vendor's.
 */
export function schemeFor(vendor: VendorDefinition, choice: Choice = {}): SigningScheme | null {
  if (choice.auth) return modeScheme(authMode(vendor, choice.auth.mode), choice.auth.settings);
  const e = eventOf(vendor, choice.event);
  return e && e.signing !== undefined ? e.signing : vendor.signing;
}

/**
 * For a vendor with several authentication modes and none chosen: the mode whose headers the
 * request carries (the first, in the vendor's order), so listen can say which one it checked.
 */
export function modeOf(vendor: VendorDefinition, headers: HeaderBag, settings?: Readonly<Record<string, string>>): { name: string; scheme: SigningScheme } | undefined {
  for (const [name, mode] of Object.entries(vendor.authModes ?? {})) {
    const scheme = modeScheme(mode, settings);
    if (!scheme) continue;
    for (const header of [scheme.headers.value[0]!, ...(scheme.alsoAccepted ?? [])]) if (first(headers[header]) !== undefined) return { name, scheme };
  }
  return undefined;
}

/** Why a request goes unsigned, in a few words (the vendor's full note is in `hookscope vendors <id>`). */
export function unsignedNote(vendor: VendorDefinition, choice: Choice = {}): string {
  if (choice.auth) return `--auth ${choice.auth.mode}: ${authMode(vendor, choice.auth.mode).label}`;
  const e = eventOf(vendor, choice.event);
  if (e?.signing === null) return e.signingNote ?? `${vendor.id} signs ${e.name} with nothing`;
  return `${vendor.id} documents no signature scheme`;
}

/** The header names a vendor's signature may arrive in (lower case, preferred first); only the override when given. */
export function signatureHeaderNames(vendor: VendorDefinition, choice: Choice = {}): string[] {
  if (choice.headerOverride) return [choice.headerOverride.toLowerCase()];
  const scheme = schemeFor(vendor, choice);
  return scheme ? [scheme.headers.value[0]!, ...(scheme.alsoAccepted ?? [])] : [];
}

/** Every header a vendor's scheme sets (the signature's first), for dropping a recorded signature. */
export function schemeHeaderNames(vendor: VendorDefinition, choice: Choice = {}): string[] {
  const scheme = schemeFor(vendor, choice);
  if (!scheme) return [];
  return [...new Set([...signatureHeaderNames(vendor, { ...choice, headerOverride: undefined }), ...scheme.headers.value, ...(choice.headerOverride ? [choice.headerOverride.toLowerCase()] : [])])];
}

/** Whether a request carries the vendor's signature header, by any accepted spelling: its name. */
export function hasSignatureHeader(vendor: VendorDefinition, headers: HeaderBag, choice: Choice = {}): string | undefined {
  for (const name of signatureHeaderNames(vendor, choice)) if (first(headers[name]) !== undefined) return name;
  return undefined;
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** The headers (and URL) a vendor would send with these exact bytes, or undefined when it signs nothing. */
export function signRequest(vendor: VendorDefinition, input: SignInput, choice: Choice = {}): Signed | undefined {
  const scheme = schemeFor(vendor, choice);
  if (!scheme) return undefined;
  const signed = scheme.sign(input);
  if (!signed || !choice.headerOverride) return signed;
  const name = scheme.headers.value[0]!;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k === name ? choice.headerOverride.toLowerCase() : k] = v;
  return { ...signed, headers };
}

export type RequestVerdict = SignatureVerdict | { valid: false; reason: 'unsigned-vendor'; detail: string };

/** Verify a received request. Never throws. `headers` should have lower-case names. */
export function verifyRequest(vendor: VendorDefinition, input: VerifyInput, choice: Choice = {}): RequestVerdict {
  const scheme = schemeFor(vendor, choice);
  if (!scheme) {
    const e = eventOf(vendor, choice.event);
    return { valid: false, reason: 'unsigned-vendor', detail: (e?.signing === null ? e.signingNote : undefined) ?? vendor.signingNote ?? unsignedNote(vendor, choice) };
  }
  let headers = lowerCased(input.headers);
  if (choice.headerOverride) {
    // The signature is read from the header the user named, as if it were the scheme's own.
    headers = { ...headers, [scheme.headers.value[0]!]: headers[choice.headerOverride.toLowerCase()] };
  }
  return scheme.verify({ ...input, headers });
}

/**
 * When a request says it was signed (epoch ms), by the scheme's own reading of its headers (with
 * --signature-header as verifyRequest reads it); undefined when the scheme signs no timestamp.
 */
export function signedAtOf(vendor: VendorDefinition, headers: HeaderBag, choice: Choice = {}): number | undefined {
  const scheme = schemeFor(vendor, choice);
  if (!scheme?.signedAt) return undefined;
  let lower = lowerCased(headers);
  if (choice.headerOverride) lower = { ...lower, [scheme.headers.value[0]!]: lower[choice.headerOverride.toLowerCase()] };
  return scheme.signedAt(lower);
}

function lowerCased(headers: HeaderBag): HeaderBag {
  let lower = true;
  for (const k in headers) if (k !== k.toLowerCase()) lower = false;
  if (lower) return headers;
  const out: HeaderBag = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/** `--auth-setting name=value` (repeatable) as an object; a usage error names a malformed one. */
export function parseAuthSettings(specs: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UserError(`--auth-setting ${JSON.stringify(spec)}: expected name=value`, 'e.g. --auth-setting signatureHeader=x-signature');
    out[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  return out;
}

/**
 * --auth and --auth-setting, checked: the mode must exist for `vendor` (or, when no single vendor
 * is in play, for at least one vendor that has modes). Undefined when --auth is not given.
 */
export function authChoice(mode: string | undefined, settings: readonly string[] | undefined, vendors: readonly VendorDefinition[]): AuthChoice | undefined {
  if (mode === undefined) {
    if (settings?.length) throw new UserError('--auth-setting needs --auth', 'e.g. --auth hmac --auth-setting signatureHeader=x-signature');
    return undefined;
  }
  const withModes = vendors.filter((v) => v.authModes);
  if (withModes.length === 0) throw new UserError(`--auth ${JSON.stringify(mode)}: ${vendors.length === 1 ? `${vendors[0]!.id} has one signing scheme, no modes to choose from` : 'no vendor here has authentication modes'}`);
  if (!withModes.some((v) => v.authModes![mode])) authMode(withModes[0]!, mode);
  return { mode, settings: parseAuthSettings(settings) };
}

/** The choice for one vendor: --auth applies to vendors that have that mode. */
export function choiceFor(vendor: VendorDefinition, auth: AuthChoice | undefined, event?: Choice['event'], headerOverride?: string): Choice {
  return { event, headerOverride, auth: auth && vendor.authModes?.[auth.mode] ? auth : undefined };
}
