// The call player's core with a virtual clock and msw as the receiver: steps in the script's
// order at the script's offsets (compressed by --speed), one call id, and each reply judged.
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { isCallRequest, playCall, type CallOptions } from '../../src/commands/call.js';
import { vapi } from '../../src/vendors/vapi.js';
import { MswDispatcher } from '../helpers/msw-dispatcher.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

const URL_ = 'http://receiver.test/vapi';
type Message = { type: string; toolCallList?: { id: string }[]; call?: { id: string }; timestamp?: number; status?: string };

function receiver(toolResult = 'ok', toolStatus = 200) {
  const got: Message[] = [];
  const dispatcher = new MswDispatcher([
    http.post(URL_, async ({ request }) => {
      const { message } = (await request.json()) as { message: Message };
      got.push(message);
      if (message.type === 'assistant-request') return HttpResponse.json({ assistantId: 'a' });
      if (message.type === 'tool-calls') return HttpResponse.json({ results: message.toolCallList!.map((c) => ({ toolCallId: c.id, result: toolResult })) }, { status: toolStatus });
      return new HttpResponse(null, { status: 204 });
    }),
  ]);
  return { got, dispatcher };
}

async function play(extra: Partial<CallOptions>, r = receiver()) {
  const clock = new VirtualClock();
  const report = await clock.run(playCall({ vendor: 'vapi', url: URL_, env: {}, clock, dispatcher: r.dispatcher, ...extra }));
  return { report, got: r.got };
}

describe('the call player', () => {
  it('sends the script in order at its offsets, one call id throughout, timestamps increasing', async () => {
    const { report, got } = await play({});
    const script = vapi.callScript!.steps;
    expect(got.map((m) => m.type)).toEqual(script.map((s) => s.event));
    expect(report.steps.map((s) => s.actualMs)).toEqual(report.steps.map((s) => s.plannedMs));
    expect(report.steps.map((s) => s.plannedMs)).toEqual([0, 300, 2_800, 3_200, 5_800, 8_800, 10_000, 16_000, 24_000]);
    expect(new Set(got.map((m) => m.call!.id))).toEqual(new Set([report.callId]));
    expect(got.map((m) => m.timestamp! - got[0]!.timestamp!)).toEqual(report.steps.map((s) => s.plannedMs));
    expect(report.exitCode).toBe(0);
  });

  it('--speed divides the waits; max skips them', async () => {
    const { report } = await play({ speed: 8 });
    expect(report.steps.map((s) => s.actualMs)).toEqual(report.steps.map((s) => s.plannedMs / 8));
    const fast = await play({ speed: 'max' });
    expect(fast.report.steps.every((s) => s.actualMs === 0)).toBe(true);
  });

  it('a bad step fails the call, and the others still play', async () => {
    const { report } = await play({ speed: 'max' }, receiver('ok', 201));
    expect(report.steps.filter((s) => !s.ok).map((s) => [s.step, s.result.failure?.kind])).toEqual([['tool-calls', 'rejected']]);
    expect(report.steps).toHaveLength(9);
    expect(report.exitCode).toBe(1);
  });

  it('call is the player only for a vendor with a script and no event of that name', () => {
    expect(isCallRequest('vapi', 'call')).toBe(true);
    expect(isCallRequest('VAPI', 'call')).toBe(true);
    expect(isCallRequest('synthflow', 'call')).toBe(false);
    expect(isCallRequest('vapi', 'hang')).toBe(false);
  });

  it('without --url, a usage error that says what the call needs', async () => {
    await expect(playCall({ vendor: 'vapi', env: {} })).rejects.toThrow('send vapi call needs --url');
  });
});
