// The send core with msw handlers as the receiver (through the undici Dispatcher bridge in
// test/helpers/msw-dispatcher.ts): the vendor success rules across many statuses, and the
// exact request hookscope builds. The same paths over real sockets are in test/e2e/send.test.ts.
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { send } from '../../src/commands/send.js';
import { MswDispatcher } from '../helpers/msw-dispatcher.js';

const URL_ = 'http://receiver.test/hooks';

function replying(status: number, body?: string, headers?: Record<string, string>) {
  return new MswDispatcher([http.post(URL_, () => new HttpResponse(body ?? null, { status, headers }))]);
}

// What each vendor's docs (or hookscope's stated assumption) say counts as delivered.
const accepted: Record<string, number[]> = {
  relyable: [200], // documented: "a non-200 status code" is retried
  bluejay: [200], // assumed: the spec lists only 200
  smallest: [200, 201, 202, 204], // documented: any 2xx
  synthflow: [200, 201, 202, 204], // assumed: any 2xx
  vapi: [200, 201, 202, 204], // documented: a backoff plan retries any non-2xx
};
const events: Record<string, string> = { relyable: 'test_run.completed', bluejay: 'simulation_ended', smallest: 'post-conversation', synthflow: 'post_call', vapi: 'end-of-call-report' };

describe('verdicts by vendor rule', () => {
  const statuses = [200, 201, 202, 204, 400, 401, 404, 409, 429, 500, 502, 503];
  const cases = Object.keys(accepted).flatMap((vendor) => statuses.map((status) => [vendor, status] as const));

  it.each(cases)('%s answered %i', async (vendor, status) => {
    const result = await send({ vendor, event: events[vendor]!, url: URL_, env: {}, dispatcher: replying(status) });
    const ok = accepted[vendor]!.includes(status);
    expect(result.exitCode).toBe(ok ? 0 : 1);
    expect(result.verdict?.accepted).toBe(ok);
    if (!ok) expect(result.failure?.kind).toBe('rejected');
  });

  it.each([301, 302, 307, 308])('a %i redirect fails for every vendor and names its Location', async (status) => {
    for (const vendor of Object.keys(accepted)) {
      const result = await send({ vendor, event: events[vendor]!, url: URL_, env: {}, dispatcher: replying(status, undefined, { location: '/elsewhere' }) });
      expect(result.exitCode).toBe(1);
      expect(result.failure).toEqual({ kind: 'redirect', message: expect.stringContaining(`(${status}) to /elsewhere`) });
    }
  });
});

describe('the request hookscope builds', () => {
  it('carries exactly content-type, user-agent and the signature, and the body is compact JSON', async () => {
    const dispatcher = replying(200);
    await send({ vendor: 'smallest', event: 'pre-conversation', url: URL_, secret: 's'.repeat(32), env: {}, dispatcher });
    const seen = dispatcher.seen[0]!;
    expect(Object.keys(seen.headers).sort()).toEqual(['content-type', 'user-agent', 'x-signature']);
    expect(seen.body.toString()).toBe(JSON.stringify(JSON.parse(seen.body.toString())));
  });

  it('a fresh smallest envelope id is new on every send, pinned by --set', async () => {
    const dispatcher = replying(200);
    for (let i = 0; i < 2; i++) await send({ vendor: 'smallest', event: 'pre-conversation', url: URL_, env: {}, dispatcher });
    await send({ vendor: 'smallest', event: 'pre-conversation', url: URL_, env: {}, dispatcher, set: ['id=0123456789abcdef01234567'] });
    const ids = dispatcher.seen.map((s) => (JSON.parse(s.body.toString()) as { id: string }).id);
    expect(ids[0]).toMatch(/^[0-9a-f]{24}$/);
    expect(ids[1]).toMatch(/^[0-9a-f]{24}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[2]).toBe('0123456789abcdef01234567');
  });
});

describe('synthflow call_inbound replies', () => {
  it.each<[string, string, number, string | undefined]>([
    ['a valid reply', '{"call_inbound":{"override_model_id":"m2","custom_variables":{"name":"Ada"}}}', 0, undefined],
    ['an empty reply', '', 1, 'disconnects the caller'],
    ['a non-JSON reply', 'OK', 1, 'does not match the call_inbound reply schema'],
    ['a reply without call_inbound', '{"override_model_id":"m2"}', 1, 'does not match the call_inbound reply schema'],
  ])('%s', async (_name, body, exitCode, explanation) => {
    const result = await send({ vendor: 'synthflow', event: 'call_inbound', url: URL_, env: {}, dispatcher: replying(200, body, { 'content-type': 'application/json' }) });
    expect(result.exitCode).toBe(exitCode);
    if (explanation) expect(result.reply?.explanation).toContain(explanation);
    else expect(result.reply?.valid).toBe(true);
  });
});
