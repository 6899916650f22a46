// Where a signing secret comes from, and how it is shown: never in full.
//
// One reading of --secret for every command: `vendor=value` (repeatable) names the vendor; a
// bare `value` is the secret of the vendor in play (send's vendor, --vendor), or of every vendor
// when more than one can be (listen, replay without --vendor). Then the vendor's own variables,
// then HOOKSCOPE_SECRET.
import { UserError } from '../errors.js';
import { findVendor, GENERIC_SECRET_ENV } from '../vendors/index.js';
import type { VendorDefinition } from '../vendors/types.js';

export interface ResolvedSecret {
  value: string;
  /** `--secret` or `$NAME`: said in output so users know which one was used. */
  source: string;
}

export interface SecretFlags {
  /** `vendor=value`, by vendor id. */
  byVendor: ReadonlyMap<string, string>;
  /** A bare `value`. */
  bare?: string;
}

/**
 * Parse --secret values. `relyable=whsec_…` names a vendor when the text before the first `=`
 * is a vendor id or alias; anything else is a bare value (secrets may contain `=`). `only`: the
 * one vendor in play, when there is one: naming another is a usage error.
 */
export function parseSecretFlags(specs: readonly string[], only?: VendorDefinition): SecretFlags {
  const byVendor = new Map<string, string>();
  let bare: string | undefined;
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const named = eq > 0 ? findVendor(spec.slice(0, eq)) : undefined;
    if (!named) {
      if (spec === '') throw new UserError('--secret is empty', 'give the secret, or vendor=secret');
      if (bare !== undefined && bare !== spec) throw new UserError('--secret is given twice without a vendor', 'name the vendor of each: --secret relyable=… --secret smallest=…');
      bare = spec;
      continue;
    }
    const value = spec.slice(eq + 1);
    if (value === '') throw new UserError(`--secret ${named.id}= is empty`, `e.g. --secret ${named.id}=whsec_…`);
    if (only && named.id !== only.id) throw new UserError(`--secret names ${named.id}, but this is ${only.id}`, `write --secret ${only.id}=… or just --secret <value>`);
    byVendor.set(named.id, value);
  }
  return { byVendor, bare };
}

/** The secret for a vendor: its --secret, a bare --secret, its variables, then HOOKSCOPE_SECRET. */
export function secretFor(vendor: VendorDefinition, flags: SecretFlags, env: NodeJS.ProcessEnv): ResolvedSecret | undefined {
  const flagged = flags.byVendor.get(vendor.id) ?? flags.bare;
  if (flagged !== undefined) return { value: flagged, source: '--secret' };
  return fromEnvironment(vendor, env);
}

/** The secret from the vendor's variables, then HOOKSCOPE_SECRET. */
export function fromEnvironment(vendor: VendorDefinition, env: NodeJS.ProcessEnv): ResolvedSecret | undefined {
  for (const name of [...vendor.secretEnv, GENERIC_SECRET_ENV]) {
    const value = env[name];
    if (value) return { value, source: `$${name}` };
  }
  return undefined;
}

/** `****a1b2 (32 chars)`: enough to tell two secrets apart, never enough to use one. */
export function maskSecret(secret: string): string {
  const size = `(${secret.length} char${secret.length === 1 ? '' : 's'})`;
  return secret.length >= 16 ? `****${secret.slice(-4)} ${size}` : `**** ${size}`;
}
