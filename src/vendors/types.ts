// The shape of everything hookscope knows about one vendor. A vendor module exports one
// `VendorDefinition`; commands read these objects and never branch on vendor ids.
import type { z } from 'zod';

/**
 * Where a fact comes from. `documented`: the vendor's own docs or spec say so.
 * `seen`: integrators report it, the vendor does not. `assumed`: nobody documents it and
 * hookscope picked a default; the CLI must say so wherever it uses one.
 */
export type Provenance = 'documented' | 'seen' | 'assumed';

export interface Fact<T> {
  value: T;
  provenance: Provenance;
  /** One sentence: the source (doc page) or why hookscope assumes this. */
  note: string;
  /** How a user overrides an assumption (flag or env var), when one exists. */
  override?: string;
}

/** Which side of an exchange a body belongs to: what the vendor sends, or what it expects back. */
export type BodyPart = 'request' | 'reply';

export interface EventDefinition {
  /** The name the vendor uses for the event (e.g. `test_run.completed`). */
  name: string;
  description: string;
  /** The whole request body, not only a `data` member. Strict objects: unknown keys are drift. */
  schema: z.ZodType;
  /** Fixture file names, relative to `fixtures/<vendor>/`. The first is the default for `send`. */
  fixtures: string[];
  /** Superseded by a newer model; still understood. */
  legacy?: string;
  /** For request/response webhooks: what the receiver must answer. */
  reply?: {
    description: string;
    schema: z.ZodType;
    fixtures: string[];
    /** What happens when the receiver answers nothing (explained by send/listen). */
    emptyMeans: string;
  };
  /**
   * Fields the vendor makes anew for every delivery (a timestamp, a delivery id). `send`
   * refreshes them in fixtures unless the user pins them with --set.
   */
  fresh?: FreshField[];
  /**
   * Paths of free text about the people on a call (transcripts, call summaries), blanked by
   * `listen --redact`; `[*]` is any array item, `*` any key.
   */
  personal?: string[];
  /** A one-line summary of what matters in a body of this event (used by the live feed). */
  summarize?(body: unknown): string;
}

/** A per-delivery value: `timestamp` = now as ISO-8601 UTC (seconds), `hex24` = 24 random hex chars. */
export interface FreshField {
  path: string;
  kind: 'timestamp' | 'hex24';
}

/** Signing schemes live in src/signing/ (data + pure sign/verify); a vendor names its own. */
export type { SignatureVerdict, SigningScheme } from '../signing/types.js';
import type { SigningScheme } from '../signing/types.js';

export interface DeliveryRules {
  /**
   * Delay before each attempt, counted from the previous attempt; the first entry is the
   * first delivery (0). Its length is the maximum number of attempts.
   */
  retryDelaysMs: Fact<number[]>;
  /** Which HTTP statuses the vendor counts as delivered. */
  success: Fact<string> & { isSuccess(status: number): boolean };
  timeoutMs: Fact<number>;
  /** What identifies the same event across retries; `key` returns it for a body. */
  dedupeKey: Fact<string> & { key(body: unknown): string | undefined };
}

/** How strongly a body looks like this vendor's, and why, when it is not a clean match. */
export type DetectResult =
  | { match: true; event: string; part: BodyPart; reason: string }
  | { match: false; resemblance: number; reason: string };

export interface VendorDefinition {
  id: string;
  aliases: string[];
  title: string;
  docsUrl: string;
  /** Environment variables `send`/`listen` read the secret from, in order. */
  secretEnv: string[];
  events: EventDefinition[];
  /** Decide from a parsed body (and headers, lower-cased, when known) whether it is ours. */
  detect(body: unknown, headers?: Record<string, string | undefined>): DetectResult;
  /** null when the vendor documents no signing scheme; `signingNote` then says why. */
  signing: SigningScheme | null;
  signingNote?: string;
  delivery: DeliveryRules;
  /** Things a user should know that fit nowhere else (one sentence each). */
  notes?: string[];
}
