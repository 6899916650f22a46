// Reading an event's fixtures from the package's fixtures/<vendor>/ folder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BodyPart, EventDefinition, VendorDefinition } from './types.js';
import { packageRoot } from '../files/package-root.js';

export function fixturePath(vendor: VendorDefinition, file: string): string {
  return join(packageRoot(), 'fixtures', vendor.id, file);
}

/** The event's first fixture (its default body), parsed. */
export function loadFixture(vendor: VendorDefinition, event: EventDefinition, part: BodyPart = 'request'): unknown {
  const files = part === 'reply' ? event.reply?.fixtures : event.fixtures;
  const file = files?.[0];
  if (!file) throw new Error(`${vendor.id} ${event.name} has no ${part} fixture`);
  return JSON.parse(readFileSync(fixturePath(vendor, file), 'utf8'));
}
