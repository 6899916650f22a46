// Remembering dedupe keys, to tell a vendor's retry from a new event: how many times a key was
// seen and when first. Bounded: the oldest key is forgotten first.
import type { Inspection } from './inspect.js';

/** What was seen before, by dedupe key: the attempt count and when the first came. */
export class DedupeMemory {
  private readonly seen = new Map<string, { first: number; count: number }>();
  /** Keys in arrival order, as a ring: the slot at `oldest` is the next to forget. */
  private readonly order: string[] = [];
  private oldest = 0;

  /** 10,000 keys: far more than the events a vendor retries within its schedule during local work. */
  constructor(private readonly limit = 10_000) {}

  /** Record a key; returns the duplicate marking when it was seen before. */
  see(key: string, now: number): Inspection['duplicate'] {
    const prior = this.seen.get(key);
    if (!prior) {
      // Bounded: the oldest key goes first, so memory stays flat on a long run. (A ring, not
      // Map.keys().next(): deleted entries stay in a Map's table and make that walk slow.)
      if (this.order.length < this.limit) {
        this.order.push(key);
      } else {
        this.seen.delete(this.order[this.oldest]!);
        this.order[this.oldest] = key;
        this.oldest = (this.oldest + 1) % this.limit;
      }
      this.seen.set(key, { first: now, count: 1 });
      return undefined;
    }
    prior.count++;
    return { key, attempt: prior.count, firstSeen: new Date(prior.first).toISOString(), sinceFirstMs: now - prior.first };
  }
}
