// `hookscope send <vendor> call --url <url>`: the call player. Plays the vendor's call script
// (VendorDefinition.callScript: events in order, with the vendor's spacing) as one call — one call
// id, times that increase — sending each step as `send` does and judging each reply on the way
// (status, reply contract, deadline). --speed compresses the waits as replay's does.
import { readFileSync } from 'node:fs';
import type { Dispatcher } from 'undici';
import { setPath } from '../json/edit.js';
import { parsePath } from '../json/values.js';
import { fixturePath } from '../vendors/fixtures.js';
import { findEvent, vendors as registry } from '../vendors/index.js';
import { resolveVendor } from '../vendors/resolve.js';
import { realClock, type Clock } from '../delivery/scheduler.js';
import { closeHttp } from '../http/client.js';
import { requireHttpUrl } from '../http/url.js';
import { send, type SendResult } from './send.js';
import type { CommandIO } from '../cli/io.js';
import { ExitCode, UserError, type ExitCodeValue } from '../errors.js';
import type { VendorDefinition } from '../vendors/types.js';

export interface CallOptions {
  vendor: string;
  url?: string;
  secret?: string;
  auth?: string;
  authSetting?: string[];
  header?: string[];
  timeoutMs?: number;
  /** A factor (60: a minute becomes a second) or 'max' (no waits). Default 1: the vendor's spacing. */
  speed?: number | 'max';
  env?: NodeJS.ProcessEnv;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  clock?: Clock;
  onStart?(call: { vendor: string; callId: string; url: string; steps: number; speed: number | 'max'; description: string }): void;
  onStep?(step: CallStep): void;
}

export interface CallStep {
  /** 1-based. */
  index: number;
  of: number;
  /** The step's name: its label, or the event. */
  step: string;
  event: string;
  /** When the vendor would send it, from the first step (ms, the vendor's time). */
  plannedMs: number;
  /** When it was sent, from the first step (ms, compressed by --speed). */
  actualMs: number;
  /** What the body is about, in a few words (tool names and ids, a status). */
  summary?: string;
  ok: boolean;
  result: SendResult;
}

export interface CallReport {
  vendor: string;
  url: string;
  callId: string;
  speed: number | 'max';
  steps: CallStep[];
  exitCode: ExitCodeValue;
  interrupted?: string;
}

/** Send options that make sense for one event only. */
const ONE_EVENT_ONLY = ['data', 'set', 'unset', 'dryRun', 'timestampMs', 'signatureHeader'] as const;

/** Whether `send <vendor> <event>` means the call player: `call`, for a vendor with a call script and no event of that name. */
export function isCallRequest(vendorName: string, event: string): boolean {
  if (event !== 'call') return false;
  const vendor = registry.find((v) => v.id === vendorName.toLowerCase() || v.aliases.includes(vendorName.toLowerCase()));
  return Boolean(vendor?.callScript && !findEvent(vendor, event));
}

export async function run(options: CallOptions & Record<string, unknown> & { json?: boolean }, io: CommandIO): Promise<ExitCodeValue> {
  for (const name of ONE_EVENT_ONLY) {
    const v = options[name];
    if (v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0)) throw new UserError(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace('timestamp-ms', 'timestamp')} applies to one event; send ${options.vendor} call plays the whole call`, `send one event instead: hookscope send ${options.vendor} <event> …`);
  }
  const { callHead, renderCall, callStepLine, callStepRecord, callSummaryRecord } = await import('../reporters/call.js');
  const { sendNotes } = await import('../reporters/send.js');
  const { makeChalk } = await import('../ui/terminal.js');
  const chalk = makeChalk(io.color);
  const { json } = options;
  // Each step's notes (unsigned, assumptions) once for the whole call, not once per step.
  const said = new Set<string>();
  try {
    const report = await playCall({
      vendor: options.vendor,
      url: options.url,
      secret: options.secret,
      auth: options.auth,
      authSetting: options.authSetting,
      header: options.header,
      timeoutMs: options.timeoutMs,
      speed: options.speed,
      env: io.env,
      signal: io.signal,
      onStart: (call) => {
        if (!json) io.stdout.write(callHead(call, chalk));
      },
      onStep: (step) => {
        if (!json) {
          for (const line of sendNotes(step.result).split('\n')) {
            if (line && !said.has(line)) io.stderr.write(`${line}\n`);
            said.add(line);
          }
        }
        io.stdout.write(json ? callStepRecord(step) : callStepLine(step, chalk));
      },
    });
    if (json) io.stdout.write(callSummaryRecord(report));
    else io.stdout.write(renderCall(report, chalk));
    return report.exitCode;
  } finally {
    await closeHttp();
  }
}

export async function playCall(options: CallOptions): Promise<CallReport> {
  const vendor = resolveVendor(options.vendor);
  const script = vendor.callScript;
  if (!script) {
    const withScripts = registry.filter((v) => v.callScript).map((v) => v.id);
    throw new UserError(`${vendor.id} has no call script: send ${vendor.id} <event> sends one event`, withScripts.length ? `vendors with a call script: ${withScripts.join(', ')}` : undefined);
  }
  let url: string;
  try {
    url = requireHttpUrl(options.url);
  } catch (err) {
    if (err instanceof UserError && !options.url) throw new UserError(`send ${vendor.id} call needs --url (or $HOOKSCOPE_URL): the call is played against your receiver`, 'e.g. --url http://localhost:3000/vapi');
    throw err;
  }
  const speed = options.speed ?? 1;
  const clock = options.clock ?? realClock;
  const callId = script.newCallId();
  const startedMs = Date.now();
  const origin = clock.now();
  const steps: CallStep[] = [];
  let planned = 0;
  const bodies = script.steps.map((step) => stepBody(vendor, step));
  options.onStart?.({ vendor: vendor.id, callId, url, steps: script.steps.length, speed, description: script.description });
  for (const [i, step] of script.steps.entries()) {
    if (i > 0) planned += step.delayMs;
    const target = origin + (speed === 'max' ? 0 : planned / speed);
    for (let wait = target - clock.now(); wait > 0 && !options.signal?.aborted; wait = target - clock.now()) await clock.sleep(wait, options.signal);
    if (options.signal?.aborted) break;
    const body = bodies[i]!;
    script.prepare(body, { callId, atMs: startedMs + planned, startedMs });
    const actualMs = clock.now() - origin;
    const result = await send({
      vendor: vendor.id,
      event: step.event,
      url,
      body,
      secret: options.secret,
      auth: options.auth,
      authSetting: options.authSetting,
      header: options.header,
      timeoutMs: options.timeoutMs,
      env: options.env,
      dispatcher: options.dispatcher,
      signal: options.signal,
    });
    const event = findEvent(vendor, step.event)!;
    let summary: string | undefined;
    try {
      summary = event.summarize?.(body);
    } catch {
      summary = undefined;
    }
    const record: CallStep = { index: i + 1, of: script.steps.length, step: step.label ?? step.event, event: step.event, plannedMs: planned, actualMs, ...(summary ? { summary } : {}), ok: result.exitCode === ExitCode.ok, result };
    steps.push(record);
    options.onStep?.(record);
  }
  const report: CallReport = { vendor: vendor.id, url, callId, speed, steps, exitCode: steps.length === script.steps.length && steps.every((s) => s.ok) ? ExitCode.ok : ExitCode.problem };
  if (options.signal?.aborted) report.interrupted = options.signal.reason instanceof Error ? options.signal.reason.message : 'interrupted';
  return report;
}

/** A step's starting body: its fixture (the event's first by default), with the step's fields set. */
function stepBody(vendor: VendorDefinition, step: NonNullable<VendorDefinition['callScript']>['steps'][number]): unknown {
  const event = findEvent(vendor, step.event);
  if (!event) throw new Error(`${vendor.id}'s call script names an unknown event ${step.event}`);
  const file = step.fixture ?? event.fixtures[0]!;
  const body: unknown = JSON.parse(readFileSync(fixturePath(vendor, file), 'utf8'));
  for (const [path, value] of Object.entries(step.set ?? {})) setPath(body, parsePath(path), value);
  return body;
}
