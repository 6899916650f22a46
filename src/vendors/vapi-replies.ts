// What Vapi expects back from the request/response messages (OpenAPI `ServerMessageResponse*`,
// docs `events.mdx`, `tools/custom-tools-troubleshooting.mdx`). The bare reply object is what
// every docs page and Vapi's example handler return, so it is canonical; the spec wraps it as
// `{messageResponse: …}`, which is accepted with a warning.
import * as z from 'zod';
import type { Issue } from '../schema/issues.js';
import { WARNING, anyObject } from '../schema/kit.js';
import { field, formatPath, isObject } from '../json/values.js';
import { lazy } from './lazy.js';
import type { ReplyContract } from './types.js';

/**
 * A reply shape, bare or inside `messageResponse`. Fields the bare reply requires are optional
 * at the top level (the wrapper has none of them) and checked here, so each problem keeps its path.
 */
function reply(shape: z.ZodRawShape, required: readonly string[] = []) {
  const bare = z.strictObject(shape).superRefine((r, ctx) => requireFields(r, required, ctx));
  const optional: Record<string, z.ZodType> = {};
  for (const [k, s] of Object.entries(shape)) optional[k] = (s as z.ZodType).optional();
  return z.strictObject({ ...optional, messageResponse: bare.optional() }).superRefine((r, ctx) => {
    if (r.messageResponse === undefined) return requireFields(r, required, ctx);
    ctx.addIssue({
      code: 'custom',
      path: ['messageResponse'],
      message: "the {messageResponse: …} wrapper is the OpenAPI spec's form; Vapi's docs and example handler answer the bare object, which is what to send",
      params: { ...WARNING, code: 'reply-wrapper' },
    });
    const besides = Object.keys(r).filter((k) => k !== 'messageResponse' && r[k as keyof typeof r] !== undefined);
    if (besides.length) ctx.addIssue({ code: 'custom', path: [besides[0]!], message: `${besides.join(', ')} beside messageResponse: Vapi reads one or the other`, params: { ...WARNING, code: 'unexpected-field' } });
  });
}

function requireFields(r: Record<string, unknown>, required: readonly string[], ctx: z.RefinementCtx): void {
  for (const name of required) {
    if (r[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `missing required field "${name}"`, params: { code: 'missing-field' } });
  }
}

/** The reply without its `messageResponse` wrapper, if it has one. */
export const unwrap = (json: unknown): unknown => (isObject(json) && isObject(json.messageResponse) ? json.messageResponse : json);
// The reply schemas are builders, built on first use (lazy.ts); a part they share is built once.

const transferDestination = lazy(() => z.looseObject({ type: z.string().meta({ examples: ['number', 'sip', 'assistant'] }) }));
const spokenMessage = () => z.looseObject({ type: z.string().meta({ examples: ['request-start', 'request-complete', 'request-failed'] }), content: z.string().optional() });

export const assistantRequestReply = () => reply({
  assistantId: z.string().optional(),
  assistant: anyObject().optional(),
  squadId: z.string().optional(),
  squad: anyObject().optional(),
  workflowId: z.string().optional(),
  workflow: anyObject().optional(),
  assistantOverrides: anyObject().optional(),
  squadOverrides: anyObject().optional(),
  workflowOverrides: anyObject().optional(),
  destination: transferDestination().optional().meta({ description: 'forward the call at once; the assistant fields are ignored' }),
  error: z.string().optional().meta({ description: 'spoken to the caller; the call is not accepted' }),
});

const toolResult = () => z.strictObject({
  toolCallId: z.string(),
  name: z.string().optional().meta({ description: 'required in the spec; the docs examples leave it out' }),
  result: z.string().optional().meta({ description: 'a single-line string' }),
  error: z.string().optional().meta({ description: 'a single-line string' }),
  message: anyObject().optional(),
  metadata: anyObject().optional(),
});

export const toolCallsReply = () => reply({ results: z.array(toolResult()), error: z.string().optional() }, ['results']);

export const transferDestinationReply = () => reply({ destination: transferDestination().optional(), message: spokenMessage().optional(), error: z.string().optional() });

export const handoffDestinationReply = () => reply({ destination: transferDestination(), result: z.unknown().optional(), error: z.string().optional() }, ['destination']);

export const knowledgeBaseReply = () => reply({
  documents: z.array(z.strictObject({ content: z.string(), similarity: z.number(), uuid: z.string().optional() })).optional(),
  message: anyObject().optional(),
});

/** The toolCallIds of a tool-calls request, in order. */
export function requestedToolCallIds(request: unknown): string[] {
  const list = field(request, 'message.toolCallList');
  if (!Array.isArray(list)) return [];
  const ids: string[] = [];
  for (const c of list) if (isObject(c) && typeof c.id === 'string') ids.push(c.id);
  return ids;
}

/**
 * What the schema cannot say about a tool-calls reply (custom-tools-troubleshooting.mdx): every
 * toolCallId of the request answered exactly once, no unknown ids, and single-line strings, since
 * Vapi logs "no result returned" for anything else.
 */
export const checkToolCallsReply: ReplyContract['check'] = (reply, request) => {
  const issues: Issue[] = [];
  const json = reply.json;
  if (json === undefined) return issues;
  const wrapped = unwrap(json) !== json;
  const at = (...segs: (string | number)[]) => formatPath(wrapped ? ['messageResponse', ...segs] : segs);
  const results = field(unwrap(json), 'results');
  if (!Array.isArray(results)) return issues; // the schema has said so
  const asked = requestedToolCallIds(request);
  const askedSet = new Set(asked);
  const answered = new Map<string, number>();
  results.forEach((r, i) => {
    if (!isObject(r)) return;
    const id = r.toolCallId;
    if (typeof id === 'string') {
      if (answered.has(id)) {
        issues.push({ code: 'duplicate-tool-call-id', severity: 'error', path: at('results', i, 'toolCallId'), message: `toolCallId ${JSON.stringify(id)} is answered twice (first at results[${answered.get(id)}]); Vapi expects one result per tool call` });
      } else answered.set(id, i);
      if (asked.length && !askedSet.has(id)) {
        issues.push({ code: 'unknown-tool-call-id', severity: 'error', path: at('results', i, 'toolCallId'), message: `toolCallId ${JSON.stringify(id)} is not one the request asked for (${asked.map((a) => JSON.stringify(a)).join(', ')}); it must match exactly` });
      }
    }
    for (const key of ['result', 'error'] as const) {
      const v = r[key];
      if (typeof v === 'string' && /[\r\n]/.test(v)) {
        issues.push({ code: 'multi-line-result', severity: 'error', path: at('results', i, key), message: `${key} has a line break; Vapi needs a single-line string (line breaks make it log "no result returned")` });
      }
    }
    if (r.result === undefined && r.error === undefined) {
      issues.push({ code: 'empty-result', severity: 'warning', path: at('results', i), message: 'neither result nor error: the assistant gets nothing back for this tool call' });
    }
  });
  for (const id of asked) {
    if (!answered.has(id)) issues.push({ code: 'missing-tool-call-id', severity: 'error', path: at('results'), message: `no result for toolCallId ${JSON.stringify(id)}: Vapi logs "no result returned" and the assistant waits` });
  }
  return issues;
};
