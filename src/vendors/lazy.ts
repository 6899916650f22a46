// Building a vendor's zod schemas on first use. Building all 74 events' schemas at import cost
// every command that loads the catalog ~150 ms of start-up (issue #12); now a run builds only the
// schemas it reads: `validate` of one vendor's payloads, `send` of one event. The catalog's API
// stays synchronous: `event.schema` is a getter that builds once, then returns the same object
// (fast-check.ts caches its compiled predicates per schema object).
import type { z } from 'zod';
import type { EventDefinition, ReplyContract } from './types.js';

/** A value built on first call, then kept: a vendor's schemas that several events share. */
export function lazy<T>(build: () => T): () => T {
  let built = false;
  let value: T;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
}

/** A reply contract as a vendor module writes it: its schema as a builder. */
export type LazyReply = Omit<ReplyContract, 'schema'> & { schema: () => z.ZodType };

/** An event as a vendor module writes it: its schema (and its reply's) as builders. */
export type LazyEvent = Omit<EventDefinition, 'schema' | 'reply'> & { schema: () => z.ZodType; reply?: LazyReply };

/** The events, each `schema` (and `reply.schema`) a getter that builds on first read and keeps it. */
export function lazySchemas(events: LazyEvent[]): EventDefinition[] {
  return events.map((event) => {
    const { schema, reply, ...rest } = event;
    const out = rest as EventDefinition;
    Object.defineProperty(out, 'schema', { get: lazy(schema), enumerable: true, configurable: true });
    if (reply) out.reply = lazyReply(reply);
    return out;
  });
}

/** A reply contract whose `schema` is built on first read. */
export function lazyReply(reply: LazyReply): ReplyContract {
  const { schema, ...rest } = reply;
  return Object.defineProperty(rest as ReplyContract, 'schema', { get: lazy(schema), enumerable: true, configurable: true });
}
