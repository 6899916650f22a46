// Static-token schemes: the secret itself sent in a header (Vapi's X-Vapi-Secret), optionally
// after a prefix (`Authorization: Bearer <token>`). Nothing about the body is proved; the
// scheme says so. Compared in constant time; a failure names the likely slip.
import type { Fact } from '../vendors/types.js';
import { headerValue } from './hmac.js';
import { equalBytes } from './primitives.js';
import type { SignatureVerdict, SigningScheme } from './types.js';

export interface TokenSpec {
  header: Fact<string>;
  /** Text before the token, e.g. `Bearer `. */
  prefix?: string;
  /** Other headers the token has been sent in (legacy names): accepted, and named in the verdict. */
  alsoAccepted?: string[];
  note: string;
}

export function tokenScheme(spec: TokenSpec): SigningScheme {
  const header = spec.header.value;
  const prefix = spec.prefix ?? '';
  return {
    kind: 'token',
    headers: { value: [header], provenance: spec.header.provenance, note: spec.header.note, override: spec.header.override },
    alsoAccepted: spec.alsoAccepted,
    format: { value: prefix ? `${prefix}<token>` : '<token>', provenance: spec.header.provenance, note: spec.note },
    algorithm: { value: 'static token', provenance: spec.header.provenance, note: spec.note },
    encoding: { value: 'none', provenance: spec.header.provenance, note: 'the token as configured' },
    signedBytes: { value: 'nothing: the header carries the secret itself', provenance: spec.header.provenance, note: spec.note },
    key: { value: 'the token, compared as text', provenance: spec.header.provenance, note: spec.note },
    caveat: 'a static token proves who sent the request, not that the body is unchanged',
    sign: (input) => (input.secret === '' ? undefined : { headers: { [header]: `${prefix}${input.secret}` } }),
    verify(input): SignatureVerdict {
      const names = [header, ...(spec.alsoAccepted ?? [])];
      const found = names.map((n) => [n, headerValue(input.headers, n)] as const).find(([, v]) => v !== undefined);
      if (!found) {
        const bearer = header !== 'authorization' ? headerValue(input.headers, 'authorization') : undefined;
        return { valid: false, reason: 'missing', detail: `no ${header} header`, ...(bearer !== undefined ? { diagnosis: `a token came in Authorization instead of ${header}` } : {}) };
      }
      const [name, raw] = found;
      const value = raw!.trim();
      const want = Buffer.from(`${prefix}${input.secret}`, 'utf8');
      if (equalBytes(Buffer.from(value, 'utf8'), want)) {
        return name === header ? { valid: true } : { valid: true, detail: `the token came in ${name} (a legacy name) instead of ${header}` };
      }
      const slip =
        prefix && equalBytes(Buffer.from(value, 'utf8'), Buffer.from(input.secret, 'utf8'))
          ? `the token is there without the ${JSON.stringify(prefix.trim())} prefix`
          : !prefix && value.toLowerCase().startsWith('bearer ') && value.slice(7) === input.secret
            ? 'the token has a "Bearer " prefix this header does not use'
            : undefined;
      return { valid: false, reason: 'mismatch', detail: slip ? `the token does not match: ${slip}` : 'the token does not match the configured secret', ...(slip ? { diagnosis: slip } : {}) };
    },
  };
}
