// How listen decides whose a request is and how to answer it: routes (path prefix → vendor) and
// the answering rules given on the command line (--status, --delay, --on, --reply). A rule that
// matches answers locally, with or without --forward-to: so a user can fail one event type while
// forwarding the rest.
import { readFileSync } from 'node:fs';
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
  /** The reply for request/response events (--reply <file>), checked to be JSON at start. */
  reply?: { file: string; body: Buffer };
}

export interface RuleOptions {
  status?: number;
  delayMs?: number;
  on?: string[];
  reply?: string;
}

export function parseRules(options: RuleOptions): AnswerRules {
  // An event name of any vendor (call_inbound is Synthflow's and Retell's): the rule applies to each.
  checkEventNames(options.on ?? [], undefined, '--on');
  const on = new Set(options.on ?? []);
  if (on.size > 0 && options.status === undefined && options.delayMs === undefined) {
    throw new UserError('--on needs --status or --delay: it says which events they apply to', 'e.g. --status 500 --on test_run.completed');
  }
  return { status: options.status, delayMs: options.delayMs, on, reply: options.reply === undefined ? undefined : { file: options.reply, body: readReply(options.reply) } };
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
  if (rules.reply) lines.push(`rule: request/response events are answered with ${rules.reply.file}${forwardTo ? ' (answered here, not forwarded)' : ''}`);
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
    const bytes = readFileSync(file);
    JSON.parse(bytes.toString('utf8'));
    return bytes;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`--reply ${file}: ${e.code === 'ENOENT' ? 'no such file' : e instanceof SyntaxError ? `not JSON (${e.message})` : e.message}`);
  }
}
