// The library entry: the vendor catalog and the pure engine behind the CLI.
//   import { vendors, detect, validate, sign, verify } from 'hookscope';
import { resolveVendor } from './vendors/resolve.js';
import { signBody, verifyRequest, type HeaderBag, type RequestVerdict, type Signed } from './signing/signature.js';
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

/** The signature header and value the vendor would send with these exact bytes. */
export function sign(vendor: string | VendorDefinition, rawBody: Uint8Array | string, secret: string): Signed | undefined {
  return signBody(vendorOf(vendor), rawBody, secret);
}

/** Verify a received request's signature from its raw body and headers. Never throws. */
export function verify(vendor: string | VendorDefinition, rawBody: Uint8Array | string, secret: string, headers: HeaderBag): RequestVerdict {
  return verifyRequest(vendorOf(vendor), rawBody, secret, headers);
}
