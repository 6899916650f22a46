// Where a signing secret comes from, and how it is shown: never in full.
import { GENERIC_SECRET_ENV } from '../vendors/index.js';
import type { VendorDefinition } from '../vendors/types.js';

export interface ResolvedSecret {
  value: string;
  /** `--secret` or `$NAME`: said in output so users know which one was used. */
  source: string;
}

export function resolveSecret(vendor: VendorDefinition, flag: string | undefined, env: NodeJS.ProcessEnv): ResolvedSecret | undefined {
  if (flag !== undefined && flag !== '') return { value: flag, source: '--secret' };
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
