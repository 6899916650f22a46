// zod building blocks shared by the vendor schemas, so that every vendor states its policy
// (strict objects = unknown keys are drift; growing enums = unknown values are warnings) alike.
import * as z from 'zod';

/** Marks an issue as a warning; the validator reads it from `params`. */
export const WARNING = { severity: 'warning' } as const;

/**
 * A string enum the vendor keeps extending (e.g. Synthflow call statuses): a value outside the
 * known list is a warning ("drift"), not an error. JSON Schema gets `type: string` + examples.
 */
export function growingEnum(known: readonly string[], what: string) {
  const set = new Set(known);
  // A long list (Vapi's hundreds of endedReason values) is counted, not recited, in every issue.
  const long = set.size > LIST_KNOWN_MAX;
  const shown = long ? `${set.size} known values, e.g. ${known.slice(0, 5).join(', ')}` : `known: ${known.join(', ')}`;
  return z
    .string()
    .superRefine((value, ctx) => {
      if (!set.has(value)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown ${what} ${JSON.stringify(value)} (${shown})`,
          params: { ...WARNING, code: 'unknown-enum-value', known },
        });
      }
    })
    .meta({ description: `${what}; ${long ? shown : `known values: ${known.join(', ')}`} (the vendor adds values over time)`, examples: long ? known.slice(0, 10) : [...known] });
}

/** Above this many known values, an issue counts them instead of listing them. */
const LIST_KNOWN_MAX = 40;

/** An ISO-8601 timestamp as the vendors send them (with offset or Z; fractional seconds allowed). */
export const isoDateTime = () => z.iso.datetime({ offset: true, local: true });

/** A URL string. */
export const url = () => z.url();

/** A free-form object (e.g. user-defined metadata): any keys, any values, never drift. */
export const anyObject = () => z.record(z.string(), z.unknown());

/** E.164 phone number: + and 8 to 15 digits. */
export const e164 = () => z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number like +15551234567');
