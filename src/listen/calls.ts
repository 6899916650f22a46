// Following calls: a call's events grouped by the call id the vendor gives (listen's records
// carry it), checked against the vendor's call flow (src/vendors/types.ts CallFlow): a step that
// comes after one it should precede, and, once the call is over, the post-call steps that never
// came. Used by `listen --group call` and the inspector's call view. Pure; bounded in memory.
import type { CallFlow, VendorDefinition } from '../vendors/types.js';

export interface CallEvent {
  /** listen's record id. */
  id: number;
  time: string;
  event: string;
  step: string;
}

export interface Call {
  vendor: string;
  callId: string;
  events: CallEvent[];
  /** The flow's end step was seen. */
  ended: boolean;
  /** Steps that came after a step they should precede, in words. */
  outOfOrder: string[];
}

export interface CallRecordLike {
  id: number;
  time: string;
  vendor?: string;
  event?: string;
  callId?: string;
  callStep?: string;
}

/** At most this many calls are followed; the oldest is dropped first. */
const MAX_CALLS = 5_000;
/** At most this many events are kept per call. */
const MAX_EVENTS = 500;

export class CallTracker {
  private readonly calls = new Map<string, Call>();

  constructor(private readonly vendors: readonly VendorDefinition[]) {}

  /** Add a record; the call it belongs to and what is new to say about its order, or undefined when it is not about a call. */
  add(record: CallRecordLike): { call: Call; notes: string[] } | undefined {
    if (!record.vendor || !record.callId || !record.event) return undefined;
    const key = `${record.vendor} ${record.callId}`;
    let call = this.calls.get(key);
    if (!call) {
      if (this.calls.size >= MAX_CALLS) this.calls.delete(this.calls.keys().next().value!);
      this.calls.set(key, (call = { vendor: record.vendor, callId: record.callId, events: [], ended: false, outOfOrder: [] }));
    }
    const step = record.callStep ?? record.event;
    const notes: string[] = [];
    const flow = this.flowOf(record.vendor);
    if (flow) {
      const rank = rankOf(flow, step);
      if (rank >= 0) {
        const later = call.events.find((e) => rankOf(flow, e.step) > rank);
        if (later) {
          const order = flow.order.slice(0, rankOf(flow, later.step) + 1).map((o) => (typeof o === 'string' ? o : o.join('/')));
          const note = `${step} came after ${later.step}; ${order.join(' → ')} is the vendor's order`;
          call.outOfOrder.push(note);
          notes.push(note);
        }
      }
      if (call.ended && !(flow.after ?? []).includes(step) && !(flow.anytime ?? []).includes(step) && step !== flow.ended) notes.push(`${step} came after the call ended (${flow.ended})`);
      if (step === flow.ended) call.ended = true;
    }
    if (call.events.length < MAX_EVENTS) call.events.push({ id: record.id, time: record.time, event: record.event, step });
    return { call, notes };
  }

  /** The post-call steps an ended call has not had (yet). */
  missing(call: Call): string[] {
    const flow = this.flowOf(call.vendor);
    if (!flow || !call.ended) return [];
    return (flow.after ?? []).filter((step) => !call.events.some((e) => e.step === step));
  }

  /** Every call followed, first seen first. */
  all(): Call[] {
    return [...this.calls.values()];
  }

  private flowOf(vendorId: string): CallFlow | undefined {
    for (const v of this.vendors) if (v.id === vendorId) return v.callFlow;
    return undefined;
  }
}

/** A step's place in the flow: the index of the step, or of the group of interleaving steps that holds it; -1 when absent. */
function rankOf(flow: CallFlow, step: string): number {
  for (let i = 0; i < flow.order.length; i++) {
    const o = flow.order[i]!;
    if (o === step || (typeof o !== 'string' && o.includes(step))) return i;
  }
  return -1;
}
