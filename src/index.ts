// The library entry: the vendor catalog and the pure engine behind the CLI.
//   import { vendors, detect, validate, sign, verify } from 'hookscope';
import { resolveVendor } from './vendors/resolve.js';
import { signRequest, verifyRequest, type HeaderBag, type RequestVerdict, type Signed } from './signing/signature.js';
import { validateText, validateValue, type PayloadResult, type ValidateOptions } from './schema/validate.js';
import type { VendorDefinition } from './vendors/types.js';

export { vendors, findVendor, findEvent, GENERIC_SECRET_ENV } from './vendors/index.js';
export { detect, type Detection, type DetectOutcome, type NearMiss } from './vendors/detect.js';
export { eventJsonSchema } from './schema/json-schema.js';
export type { Issue, IssueCode, Severity } from './schema/issues.js';
export type { PayloadResult, ValidateOptions } from './schema/validate.js';
export type { HeaderBag, RequestVerdict, Signed } from './signing/signature.js';
export type * from './vendors/types.js';

const vendorOf = (v: string | VendorDefinition) => (typeof v === 'string' ? resolveVendor(v) : v);

/** Validate a body: a JSON text (issues get line/column) or an already-parsed value. */
export function validate(body: string | unknown, options: ValidateOptions = {}): PayloadResult {
  return typeof body === 'string' ? validateText(body, options) : validateValue(body, options);
}

const bytes = (body: Uint8Array | string) => (typeof body === 'string' ? Buffer.from(body, 'utf8') : body);

export interface SignOptions {
  /** The time to sign with (default now); schemes that sign a timestamp use it. */
  timestampMs?: number;
  /** The URL the request goes to (schemes that sign it: Twilio). */
  url?: string;
  /** A message id (Standard Webhooks). */
  id?: string;
  contentType?: string;
}

/** The headers (and, for Twilio JSON bodies, the URL) the vendor would send with these exact bytes. */
export function sign(vendor: string | VendorDefinition, rawBody: Uint8Array | string, secret: string, options: SignOptions = {}): Signed | undefined {
  return signRequest(vendorOf(vendor), { body: bytes(rawBody), secret, timestampMs: options.timestampMs ?? Date.now(), url: options.url, id: options.id, contentType: options.contentType });
}

export interface VerifyOptions {
  /** The URL the vendor called (URL-signed schemes). */
  url?: string;
  /** The time to check timestamps against (default now). */
  nowMs?: number;
}

/** Verify a received request's signature from its raw body and headers. Never throws; a failure says why, and which mistake would explain it. */
export function verify(vendor: string | VendorDefinition, rawBody: Uint8Array | string, secret: string, headers: HeaderBag, options: VerifyOptions = {}): RequestVerdict {
  return verifyRequest(vendorOf(vendor), { body: bytes(rawBody), secret, headers, url: options.url, nowMs: options.nowMs ?? Date.now() });
}
