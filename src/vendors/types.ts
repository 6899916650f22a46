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
  /**
   * How the body goes on the wire: JSON (the default), or form-encoded parameters (Twilio),
   * whose schema is over the decoded parameters (each a string).
   */
  bodyFormat?: 'json' | 'form';
  /** For request/response webhooks: what the receiver must answer, and how soon. */
  reply?: ReplyContract;
  /**
   * This event's own signing scheme, when it differs from the vendor's; `null` when the vendor
   * signs this event with nothing (`signingNote` says why).
   */
  signing?: SigningScheme | null;
  signingNote?: string;
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

/** What a request/response webhook expects back. */
export interface ReplyContract {
  description: string;
  /** The reply's schema (JSON replies); for other replies, what `check` reads (e.g. z.string()). */
  schema: z.ZodType;
  /**
   * What the schema cannot say: a reply that is not JSON (Twilio's TwiML), or a rule across the
   * request and the reply (every Vapi toolCallId answered once). Returns the reply's problems as
   * issues (warnings for what the vendor tolerates); none: the reply is good. `json` is the parsed
   * reply when it is JSON; `request` the parsed request body.
   */
  check?(reply: { text: string; contentType?: string; json?: unknown }, request: unknown): import('../schema/issues.js').Issue[];
  /** Whether the reply is JSON (default) or something else (`check` then reads the text). */
  format?: 'json' | 'text';
  /** The content type a reply fixture is served with (default application/json). */
  contentType?: string;
  fixtures: string[];
  /** What happens when the receiver answers nothing (explained by send/listen). */
  emptyMeans: string;
  /**
   * How long the vendor waits for the reply before it gives up (a live call is waiting): send,
   * replay and listen --forward-to warn above 80 % of it and fail above 100 %.
   */
  deadlineMs?: Fact<number>;
  /** The HTTP statuses the vendor takes a reply with (default: the vendor's success rule). */
  status?: Fact<string> & { isAccepted(status: number): boolean };
}

/**
 * A per-delivery value: `timestamp` = now as ISO-8601 UTC (seconds), `unix-seconds` = now as a
 * whole number of seconds, `hex24` = 24 random hex chars, `id` = `prefix` + 32 random hex chars.
 */
export interface FreshField {
  path: string;
  kind: 'timestamp' | 'unix-seconds' | 'hex24' | 'id';
  /** For `id`: how the vendor's ids start (OpenAI's `evt_`). */
  prefix?: string;
}

/** Signing schemes live in src/signing/ (data + pure sign/verify); a vendor names its own. */
export type { SignatureVerdict, SigningScheme } from '../signing/types.js';
import type { SigningScheme } from '../signing/types.js';

/** The order of a call's events, by step (an event name, or a finer step such as `status-update:ended`). */
export interface CallFlow {
  /**
   * Steps in the order the vendor sends them; a call may lack some, but those it has come in this
   * order. A list in place of a step: steps that interleave freely at that point (Vapi's in-call messages).
   */
  order: (string | readonly string[])[];
  /** The step that says the call is over. */
  ended: string;
  /** Steps that follow the end (post-call reports): a call that ended without them is flagged. */
  after?: string[];
  /** Steps outside the order (a vendor's optional event stream) that may come at any point, after the end too; never flagged. */
  anytime?: string[];
  /** A body's step, when finer than its event name (default: the event name). */
  step?(event: string, body: unknown): string;
}

/** One way a vendor can authenticate its requests (see VendorDefinition.authModes). */
export interface AuthMode {
  /** What it is, in a few words (e.g. 'X-Vapi-Secret: the secret itself, compared as text'). */
  label: string;
  provenance: Provenance;
  note: string;
  /** The settings it takes (name → what it means, with its default), shown by `vendors <id>`. */
  settings?: Record<string, string>;
  /** The scheme for these settings; null for a mode that sends nothing ('none'). */
  create(settings: Readonly<Record<string, string>>): SigningScheme | null;
}

export interface DeliveryRules {
  /**
   * Delay before each attempt, counted from the previous attempt; the first entry is the
   * first delivery (0). Its length is the maximum number of attempts.
   */
  retryDelaysMs: Fact<number[]>;
  /** Which HTTP statuses the vendor counts as delivered. */
  success: Fact<string> & { isSuccess(status: number): boolean };
  /**
   * Which failed answers the vendor delivers again (default: every failure). `status` is
   * undefined when there was no answer (refused, timed out).
   */
  retryOn?: Fact<string> & { isRetryable(status: number | undefined): boolean };
  timeoutMs: Fact<number>;
  /**
   * A retry plan users configure at the vendor instead of a fixed schedule (Vapi's
   * server.backoffPlan): `replay --backoff <kind> --max-retries N --base-delay S` plays it.
   */
  backoff?: BackoffOption;
  /**
   * What identifies the same event across retries; `key` returns it for a body, and the request's
   * headers (lower-case names) when they are known: some vendors put it only in a header
   * (Standard Webhooks' webhook-id). A saved body or a fixture has no headers.
   */
  dedupeKey: Fact<string> & { key(body: unknown, headers?: Record<string, string | undefined>): string | undefined };
}

/** A vendor's configurable retry plan: its kinds, bounds and how a plan becomes delays. */
export interface BackoffOption {
  /** Where it is configured, in the vendor's words (e.g. `server.backoffPlan`). */
  name: string;
  provenance: Provenance;
  note: string;
  /** The plan's kinds (e.g. fixed, exponential), the default first. */
  kinds: string[];
  maxRetries: { min: number; max: number; default: number };
  baseDelaySeconds: { min: number; max: number; default: number };
  /** Whether the plan can name statuses that are never retried (Vapi's excludedStatusCodes). */
  excludedStatuses: boolean;
  /** What hookscope assumes where the vendor is silent (e.g. the exponential formula). */
  assumption?: string;
  /** The schedule for a plan: delays before each attempt, the first 0 (as `retryDelaysMs`). */
  delays(plan: { kind: string; maxRetries: number; baseDelayMs: number }): number[];
}

/** One step of a scripted call: an event, the body it starts from, and when it comes. */
export interface CallScriptStep {
  event: string;
  /** A fixture of the event (default: its first). */
  fixture?: string;
  /** Fields set on the fixture for this step (path → value), e.g. `message.status`. */
  set?: Record<string, unknown>;
  /** Wait before this step, from the previous one (the vendor's realistic spacing). */
  delayMs: number;
  /** What the step is, when the event name alone does not say (e.g. `status-update:ringing`). */
  label?: string;
}

/**
 * A whole call as the vendor plays it (`send <vendor> call`): steps in order, and how a step's
 * body is made to belong to one play of the call (one call id, times that increase).
 */
export interface CallScript {
  description: string;
  steps: CallScriptStep[];
  /** A fresh call id for one play. */
  newCallId(): string;
  /** Put the play's call id and the step's time (epoch ms) into a step's body, in place. */
  prepare(body: unknown, play: { callId: string; atMs: number; startedMs: number }): void;
}

/**
 * How strongly a body looks like this vendor's, and why, when it is not a clean match.
 * `unknownEvent`: the body is surely this vendor's (its envelope, or its signature header) but
 * names an event hookscope does not know: the vendor may have added one.
 * `named`: a fallback vendor's answer for a body whose shape fits but whose request lacks the
 * headers that make it surely this vendor's: the event it is when the user names the vendor
 * (--vendor, a --route).
 */
export type DetectResult =
  | { match: true; event: string; part: BodyPart; reason: string }
  | { match: false; resemblance: number; reason: string; unknownEvent?: string; named?: { event: string; part: BodyPart } };

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
  /**
   * Top-level keys of which every body `detect` matches has at least one (its envelope's
   * discriminators: `event`, `type`, `message`, …), headers or not. Detection looks for the match
   * only among the vendors whose keys a body has, instead of running every vendor's detect on every
   * body (issue #12); a miss is still explained by all of them. Absent: the vendor is always asked.
   * test/unit/vendors/match-keys.test.ts holds each list to its detect.
   */
  matchKeys?: readonly string[];
  /**
   * A vendor recognised by its request headers, not by its body (Standard Webhooks: any JSON
   * object). Detection asks it only when no other vendor recognises the body (a match, or one of
   * its unknown events), so another vendor's body with the same headers (OpenAI's) stays that
   * vendor's. Its detect() must not match without those headers: a body is never this vendor's
   * by shape alone (it answers `named` instead).
   */
  fallback?: boolean;
  /** null when the vendor documents no signing scheme; `signingNote` then says why. */
  signing: SigningScheme | null;
  signingNote?: string;
  /**
   * For vendors that let each customer choose how requests are authenticated (Vapi: none, a
   * static secret header, Bearer, HMAC): the modes, by name, chosen with --auth (settings with
   * --auth-setting name=value). Without --auth, `signing` is used to sign, and listen checks
   * the mode whose headers a request carries.
   */
  authModes?: Record<string, AuthMode>;
  /** Which of `authModes` `signing` is (what send uses without --auth), and why: send says so. */
  defaultAuthMode?: Fact<string>;
  delivery: DeliveryRules;
  /** Things a user should know that fit nowhere else (one sentence each). */
  notes?: string[];
  /**
   * The call a body belongs to, for vendors whose events are about calls: listen records it,
   * `--group call` and the inspector group a call's events by it.
   */
  callId?(body: unknown): string | undefined;
  /** How a call's events follow each other: `listen --group call` and the inspector flag what is missing or out of order. */
  callFlow?: CallFlow;
  /** A whole call, for `send <vendor> call`: the call player plays it step by step. */
  callScript?: CallScript;
}
