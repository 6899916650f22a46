// Turning the vendor/event names a user typed into catalog entries, with "did you mean".
import { didYouMean, UserError } from '../errors.js';
import { findEvent, findVendor, vendors } from './index.js';
import type { EventDefinition, VendorDefinition } from './types.js';

export function resolveVendor(name: string): VendorDefinition {
  const vendor = findVendor(name);
  if (vendor) return vendor;
  const names = vendors.flatMap((v) => [v.id, ...v.aliases]);
  const guess = didYouMean(name, names);
  throw new UserError(`unknown vendor ${JSON.stringify(name)}`, `${guess ? `did you mean ${guess}? ` : ''}known vendors: ${vendors.map((v) => v.id).join(', ')} (see 'hookscope vendors')`);
}

/** Resolve an event, optionally without a vendor (then the event name must be unique). */
export function resolveEvent(name: string, vendor?: VendorDefinition): { vendor: VendorDefinition; event: EventDefinition } {
  const pool = vendor ? [vendor] : vendors;
  const hits = pool.flatMap((v) => {
    const event = findEvent(v, name);
    return event ? [{ vendor: v, event }] : [];
  });
  if (hits.length === 1) return hits[0]!;
  if (hits.length > 1) {
    throw new UserError(`event ${JSON.stringify(name)} exists for several vendors (${hits.map((h) => h.vendor.id).join(', ')})`, 'pass --vendor too');
  }
  const names = pool.flatMap((v) => v.events.map((e) => e.name));
  const guess = didYouMean(name, names);
  const where = vendor ? `${vendor.id} has no event` : 'no vendor has an event';
  throw new UserError(`${where} ${JSON.stringify(name)}`, `${guess ? `did you mean ${guess}? ` : ''}events: ${names.join(', ')}`);
}

/** Every event name of the vendors in play, or a usage error that suggests the closest. */
export function checkEventNames(names: readonly string[], vendor?: VendorDefinition, flag = '--event'): void {
  const known = (vendor ? [vendor] : vendors).flatMap((v) => v.events.map((e) => e.name));
  for (const name of names) {
    if (known.includes(name)) continue;
    const guess = didYouMean(name, known);
    throw new UserError(`${flag} ${JSON.stringify(name)}: ${vendor ? `${vendor.id} has no such event` : 'no vendor has such an event'}`, `${guess ? `did you mean ${guess}? ` : ''}events: ${[...new Set(known)].join(', ')}`);
  }
}
