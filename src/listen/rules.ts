// How listen decides whose a request is and how to answer it: routes (path prefix → vendor) and
// the answering rules given on the command line (--status, --delay, --on, --reply). A rule that
// matches answers locally, with or without --forward-to: so a user can fail one event type while
// forwarding the rest.
import { existsSync, readFileSync } from 'node:fs';
import { judgeReplyBody } from '../delivery/reply.js';
import { vendors } from '../vendors/index.js';
import { UserError } from '../errors.js';
import { checkEventNames, resolveVendor } from '../vendors/resolve.js';
import type { VendorDefinition } from '../vendors/types.js';

export interface Route {
  prefix: string;
  vendor: VendorDefinition;
}

export interface AnswerRules {
  status?: number;
  delayMs?: number;
  /** Event names the status/delay apply to; empty: every request. */
  on: ReadonlySet<string>;
  /**
   * Replies for request/response events (--reply [event=]file, repeatable), each checked at start
   * against the reply contract of every event it applies to. No event: every such event.
   */
  replies: Reply[];
}

export interface RuleOptions {
  status?: number;
  delayMs?: number;
  on?: string[];
  /** `event=file` or `file` (every request/response event); repeatable. */
  reply?: string | string[];
}

export interface Reply {
  /** The event it answers; undefined: every request/response event. */
  event?: string;
  file: string;
  body: Buffer;
}

export function parseRules(options: RuleOptions): AnswerRules {
  // An event name of any vendor (call_inbound is Synthflow's and Retell's): the rule applies to each.
  checkEventNames(options.on ?? [], undefined, '--on');
  const on = new Set(options.on ?? []);
  if (on.size > 0 && options.status === undefined && options.delayMs === undefined) {
    throw new UserError('--on needs --status or --delay: it says which events they apply to', 'e.g. --status 500 --on test_run.completed');
  }
  const specs = options.reply === undefined ? [] : Array.isArray(options.reply) ? options.reply : [options.reply];
  return { status: options.status, delayMs: options.delayMs, on, replies: specs.map(parseReply) };
}

/** The reply a rule gives to this vendor's event, if one does (a reply for the event by name wins over one for every event). */
export function replyFor(rules: AnswerRules, event: string): Reply | undefined {
  return rules.replies.find((r) => r.event === event) ?? rules.replies.find((r) => r.event === undefined);
}

/** `call_inbound=reply.json` or `reply.json`; the reply is checked against every contract it applies to. */
function parseReply(spec: string): Reply {
  const eq = spec.indexOf('=');
  const named = eq > 0 && !existsSync(spec) ? { event: spec.slice(0, eq), file: spec.slice(eq + 1) } : { event: undefined, file: spec };
  const targets = vendors.flatMap((v) => v.events.filter((e) => e.reply && (named.event === undefined || e.name === named.event)).map((e) => ({ vendor: v, event: e })));
  if (named.event !== undefined && targets.length === 0) {
    checkEventNames([named.event], undefined, '--reply');
    throw new UserError(`--reply ${named.event}=…: ${named.event} is not a request/response event`, 'only events that expect a reply take one (hookscope vendors lists them as request/response)');
  }
  const body = readReply(named.file);
  if (named.event === undefined) {
    // For every request/response event: it must at least be JSON (each vendor's contract differs).
    try {
      JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new UserError(`--reply ${named.file}: not JSON (${(err as Error).message})`, 'name the event to give a reply of another kind: --reply <event>=<file>');
    }
  }
  for (const { vendor, event } of named.event === undefined ? [] : targets) {
    const judged = judgeReplyBody(vendor, event, body.toString('utf8'), event.reply!.contentType, undefined);
    if (!judged.valid) {
      const first = judged.issues.find((i) => i.severity === 'error');
      throw new UserError(`--reply ${spec}: not a valid ${vendor.id} ${event.name} reply${first ? `: ${first.path && first.path !== '$' ? `${first.path}: ` : ''}${first.message}` : ''}`, judged.explanation);
    }
  }
  return { ...named, body };
}

/** The status/delay rule that applies to a request of this event, if any. */
export function matchRule(rules: AnswerRules, event: string | undefined): { status?: number; delayMs?: number; text: string } | undefined {
  if (rules.status === undefined && !rules.delayMs) return undefined;
  if (rules.on.size > 0 && (event === undefined || !rules.on.has(event))) return undefined;
  return { status: rules.status, delayMs: rules.delayMs || undefined, text: describeRule(rules) };
}

function describeRule(rules: AnswerRules): string {
  const what = [rules.status !== undefined ? `answer ${rules.status}` : 'answer', rules.delayMs ? `after ${rules.delayMs} ms` : ''].filter(Boolean).join(' ');
  return `${what} ${rules.on.size > 0 ? `to ${[...rules.on].join(', ')}` : 'to every request'}`;
}

/** Banner lines: every active route, rule and the forward target, in words. */
export function describeSetup(rules: AnswerRules, routes: readonly Route[], forced: VendorDefinition | undefined, forwardTo: URL | undefined): string[] {
  const lines: string[] = [];
  if (forced) lines.push(`vendor: every request is read as ${forced.id}'s (--vendor)`);
  for (const r of routes) lines.push(`route: ${r.prefix === '/' ? 'every path' : `${r.prefix} and below`} → ${r.vendor.id}`);
  if (rules.status !== undefined || rules.delayMs) lines.push(`rule: ${describeRule(rules)}${forwardTo ? ' (answered here, not forwarded)' : ''}`);
  for (const r of rules.replies) lines.push(`rule: ${r.event ?? 'request/response events are'}${r.event ? ' is' : ''} answered with ${r.file}${forwardTo ? ' (answered here, not forwarded)' : ''}`);
  if (forwardTo) {
    const everything = (rules.status !== undefined || rules.delayMs) && rules.on.size === 0;
    lines.push(
      everything
        ? `forward: ${forwardTo.href} is never used: the rule above answers every request`
        : `forward: everything else to ${forwardTo.href} (an incoming path is kept when the target has none; the query is kept when the target has none)`,
    );
  }
  return lines;
}

export function parseRoutes(specs: readonly string[]): Route[] {
  return specs
    .map((spec) => {
      const eq = spec.lastIndexOf('=');
      const prefix = spec.slice(0, eq);
      if (eq <= 0 || !prefix.startsWith('/')) throw new UserError(`--route ${JSON.stringify(spec)}: expected /path=vendor, e.g. --route /relyable=relyable`);
      return { prefix: prefix.replace(/\/+$/, '') || '/', vendor: resolveVendor(spec.slice(eq + 1)) };
    })
    .sort((a, b) => b.prefix.length - a.prefix.length);
}

/** The vendor of the longest route prefix that holds the path. */
export function routeVendor(routes: readonly Route[], url: string): VendorDefinition | undefined {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  for (const r of routes) if (r.prefix === '/' || path === r.prefix || path.startsWith(`${r.prefix}/`)) return r.vendor;
  return undefined;
}

function readReply(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`--reply ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}
