// Judging what a receiver answered, by the vendor's rules: the reply's body against the event's
// reply contract (its schema, and the checks a schema cannot make), and its latency against the
// vendor's deadline. Used by send, replay and listen --forward-to alike. Pure.
import type { Issue } from '../schema/issues.js';
import { validateText } from '../schema/validate.js';
import type { EventDefinition, Fact, Provenance, VendorDefinition } from '../vendors/types.js';

/** Above this share of the deadline a reply is a warning; above all of it, late. */
export const DEADLINE_WARN_SHARE = 0.8;

export interface DeadlineVerdict {
  deadlineMs: number;
  latencyMs: number;
  state: 'ok' | 'warn' | 'late';
  provenance: Provenance;
  message: string;
}

/**
 * The deadline a reply is held to: the event's reply deadline (a live call waits on it), else
 * the vendor's timeout, which only warns (past it the vendor gave up: a failed delivery anyway).
 */
export function deadlineFor(vendor: VendorDefinition, event: EventDefinition | undefined, timeoutMs?: number): { fact: Fact<number>; hard: boolean } {
  const given: Fact<number> | undefined = timeoutMs === undefined ? undefined : { value: timeoutMs, provenance: 'assumed', note: 'set with --timeout' };
  const deadline = event?.reply?.deadlineMs;
  // A deadline the vendor lets users configure (Vapi's server.timeoutSeconds) follows --timeout; a fixed one does not.
  if (deadline) return { fact: given && deadline.override === '--timeout' ? given : deadline, hard: true };
  return { fact: given ?? vendor.delivery.timeoutMs, hard: false };
}

export function judgeDeadline(latencyMs: number, deadline: Fact<number>, hard = true): DeadlineVerdict {
  const ms = deadline.value;
  const share = latencyMs / ms;
  const state = share > 1 ? (hard ? 'late' : 'warn') : share > DEADLINE_WARN_SHARE ? 'warn' : 'ok';
  const pct = Math.round(share * 100);
  const of = `${Math.round(latencyMs)} ms of the ${seconds(ms)} deadline (${pct} %)${deadline.provenance === 'assumed' ? ', an assumed deadline' : ''}`;
  const message =
    state === 'late' ? `too late: ${of}; the vendor had given up` : state === 'warn' ? (share > 1 ? `past the vendor's timeout: ${of}` : `close to the deadline: ${of}`) : `in time: ${of}`;
  return { deadlineMs: ms, latencyMs, state, provenance: deadline.provenance, message };
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);

export interface ReplyJudgement {
  valid: boolean;
  empty: boolean;
  issues: Issue[];
  explanation?: string;
}

/** The reply's body against the event's contract. `request` is the body that was sent, parsed. */
export function judgeReplyBody(vendor: VendorDefinition, event: EventDefinition, text: string, contentType: string | undefined, request: unknown): ReplyJudgement {
  const contract = event.reply;
  if (!contract) return { valid: true, empty: text.trim() === '', issues: [] };
  if (text.trim() === '') return { valid: false, empty: true, issues: [], explanation: `an empty ${event.name} reply: ${contract.emptyMeans}` };
  const issues: Issue[] = [];
  let json: unknown;
  if ((contract.format ?? 'json') === 'json') {
    const checked = validateText(text, { vendor, event, part: 'reply' });
    issues.push(...checked.issues);
    json = checked.body;
  }
  const schemaIssues = issues.length;
  if (contract.check) {
    try {
      issues.push(...contract.check({ text, contentType, json }, request));
    } catch (err) {
      issues.push({ code: 'invalid', severity: 'error', message: `the reply could not be checked: ${(err as Error).message}` });
    }
  }
  const valid = !issues.some((i) => i.severity === 'error');
  // Say which failed: the reply's shape, or a rule the schema cannot state (every Vapi toolCallId answered once).
  const shapeFailed = (contract.format ?? 'json') === 'json' && issues.slice(0, schemaIssues).some((i) => i.severity === 'error');
  const explanation = shapeFailed || (contract.format ?? 'json') !== 'json' ? `the reply does not match ${shapeFailed ? `the ${event.name} reply schema` : `what ${vendor.id} expects for ${event.name}`}` : `the reply breaks ${vendor.id}'s rules for a ${event.name} reply`;
  return { valid, empty: false, issues, explanation: valid ? undefined : explanation };
}
