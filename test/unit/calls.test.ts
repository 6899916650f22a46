// Following calls: grouped by call id, checked against the vendor's call flow.
import { describe, expect, it } from 'vitest';
import { CallTracker } from '../../src/listen/calls.js';
import { vendors } from '../../src/vendors/index.js';
import { allFixtures } from '../helpers/fixtures.js';

let id = 0;
const rec = (event: string, callId = 'CALL-1', vendor = 'smallest') => ({ id: ++id, time: new Date(1_700_000_000_000 + id * 1000).toISOString(), vendor, event, callId });

describe('CallTracker', () => {
  it('groups a call\'s events in arrival order; a complete call has nothing missing', () => {
    const t = new CallTracker(vendors);
    for (const e of ['pre-conversation', 'post-conversation', 'analytics-completed']) expect(t.add(rec(e))!.notes).toEqual([]);
    const [call] = t.all();
    expect(call!.events.map((e) => e.event)).toEqual(['pre-conversation', 'post-conversation', 'analytics-completed']);
    expect(call!.ended).toBe(true);
    expect(t.missing(call!)).toEqual([]);
  });

  it('flags a step that comes before one it should follow, and the post-call step that never came', () => {
    const t = new CallTracker(vendors);
    t.add(rec('analytics-completed', 'CALL-2'));
    const late = t.add(rec('post-conversation', 'CALL-2'))!;
    expect(late.notes).toEqual(['post-conversation came after analytics-completed; pre-conversation → post-conversation → analytics-completed is the vendor\'s order']);
    const t2 = new CallTracker(vendors);
    t2.add(rec('post-conversation', 'CALL-3'));
    expect(t2.missing(t2.all()[0]!)).toEqual(['analytics-completed']);
  });

  it('keeps calls apart by vendor and id; bodies without a call id are not followed', () => {
    const t = new CallTracker(vendors);
    t.add(rec('post-conversation', 'A'));
    t.add(rec('post-conversation', 'B'));
    t.add(rec('post_call', 'A', 'synthflow'));
    expect(t.add({ id: 99, time: '', vendor: 'relyable', event: 'test_run.completed' })).toBeUndefined();
    expect(t.all().map((c) => `${c.vendor} ${c.callId}`)).toEqual(['smallest A', 'smallest B', 'synthflow A']);
  });
});

describe('every vendor\'s call flow names its own events, and its fixtures carry a call id', () => {
  const withFlow = vendors.filter((v) => v.callFlow);
  it('covers the vendors whose events are about calls', () => {
    expect(withFlow.map((v) => v.id)).toEqual(expect.arrayContaining(['smallest', 'synthflow', 'retell', 'elevenlabs', 'twilio']));
  });
  it.each(withFlow.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const flow = v.callFlow!;
    const names = new Set(v.events.map((e) => e.name));
    // A step is an event name, or a finer step written `event:detail`.
    // A group in place of a step holds steps that interleave freely.
    const steps = flow.order.flatMap((o) => (typeof o === 'string' ? [o] : [...o]));
    for (const step of [...steps, ...(flow.anytime ?? [])]) expect(names.has(step.split(':')[0]!), step).toBe(true);
    expect(flow.order).toContain(flow.ended);
    for (const s of flow.after ?? []) expect(flow.order.indexOf(s)).toBeGreaterThan(flow.order.indexOf(flow.ended));
    for (const f of allFixtures().filter((x) => x.vendor === v.id && x.part === 'request' && steps.some((s) => s.split(':')[0] === x.event))) {
      expect(typeof v.callId!(f.body), `${f.vendor} ${f.event} ${f.file}`).toBe('string');
    }
  });
});
