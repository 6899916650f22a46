// What a signing scheme is: data that says what is signed, with which key, where the signature
// and timestamp go and how old a request may be, plus two pure functions (sign, verify) that
// never throw. Vendor modules build theirs with the factories in this folder.
import type { Fact } from '../vendors/types.js';

/** Request headers: lower-case names (as node:http gives them), one value or several. */
export type HeaderBag = Record<string, string | string[] | undefined>;

/** What a sender signs: the body as it goes on the wire, and what else the scheme covers. */
export interface SignInput {
  body: Uint8Array;
  secret: string;
  /** The time of this attempt (vendors sign each attempt afresh). */
  timestampMs: number;
  /** A message id, for schemes that sign one (Standard Webhooks); made up when absent. */
  id?: string;
  /** The URL the request goes to, for schemes that sign it (Twilio). */
  url?: string;
  /** The content type the body is sent with (form-encoded bodies are signed by their parameters). */
  contentType?: string;
}

/** What a receiver has: the raw body, the headers, the URL the vendor called, the clock. */
export interface VerifyInput {
  body: Uint8Array;
  secret: string;
  headers: HeaderBag;
  /** The public URL the vendor called (URL-signed schemes); others ignore it. */
  url?: string;
  /** Other URLs the vendor may have signed (the tunnel's host, the local address), tried only to explain a failure. */
  otherUrls?: readonly { url: string; label: string }[];
  nowMs: number;
  /** Other secrets the user configured, by label: a match names the key that was used instead. */
  otherSecrets?: ReadonlyMap<string, string>;
}

export type FailReason =
  /** The signature (or a header the scheme needs) is absent. */
  | 'missing'
  /** A header is there but not in the scheme's format. */
  | 'malformed'
  /** Well-formed, but not the signature of these bytes with this key. */
  | 'mismatch'
  /** The timestamp is older than the vendor's window. */
  | 'expired'
  /** The timestamp is further ahead than the vendor allows. */
  | 'future'
  /** It would pass only a looser check than the vendor's docs describe (detail says which). */
  | 'loose'
  /** The scheme signs something this body does not have (a field). */
  | 'unsignable'
  /** The scheme needs something the receiver does not know (the public URL). */
  | 'unknown-url';

export type SignatureVerdict =
  | { valid: true; detail?: string }
  | {
      valid: false;
      reason: FailReason;
      detail: string;
      /** The integrator mistake that would have produced this signature, when one does. */
      diagnosis?: string;
      /** For expired/future: how far the timestamp is from now, and the window allowed. */
      ageMs?: number;
      windowMs?: number;
    };

/** How long a timestamp stays acceptable; `futureMs` undefined means the vendor does not check. */
export interface Tolerance {
  unit: 's' | 'ms';
  pastMs: number;
  futureMs?: number;
}

/** What signing adds to a request. */
export interface Signed {
  headers: Record<string, string>;
  /** Where to send it, when the scheme puts something in the URL (Twilio's bodySHA256). */
  url?: string;
}

export interface SigningScheme {
  /** A short name for the kind of scheme: `hmac`, `standard-webhooks`, `twilio`, `token`. */
  kind: string;
  /** The headers the scheme sets and reads, the signature's first (lower case). */
  headers: Fact<string[]>;
  /** Other spellings of the signature header receivers accept (lower case). */
  alsoAccepted?: string[];
  /** What the signature header holds, e.g. `v=<ms>,d=<hex>` or the bare hex digest. */
  format: Fact<string>;
  algorithm: Fact<string>;
  encoding: Fact<'hex' | 'base64' | 'none'>;
  /** Which bytes are signed, in words. */
  signedBytes: Fact<string>;
  /** What the secret is and how it becomes the key. */
  key: Fact<string>;
  timestamp?: Fact<Tolerance>;
  /**
   * When a request says it was signed (epoch ms), read from its headers as this scheme places the
   * timestamp, without the secret; undefined when the scheme signs no timestamp or the request
   * carries none that reads as one. Lets a reader judge a recorded signature's age (the
   * inspector's copy-as-curl) without knowing where each vendor puts its timestamp.
   */
  signedAt?(headers: HeaderBag): number | undefined;
  /** The scheme signs the URL the vendor called: the receiver must know the public one. */
  signsUrl?: boolean;
  /** A caution shown wherever the scheme is described. */
  caveat?: string;
  /**
   * Why this secret cannot be used to sign (or to verify) with this scheme, in words, when it
   * cannot: a whsec_ secret whose rest is not base64, a whpk_ key asked to sign. Undefined: it can.
   */
  secretProblem?(secret: string, use: 'sign' | 'verify'): string | undefined;
  /** The headers to add for this body (and the URL to send it to, when signing changes it), or undefined when the body cannot be signed. */
  sign(input: SignInput): Signed | undefined;
  verify(input: VerifyInput): SignatureVerdict;
}
