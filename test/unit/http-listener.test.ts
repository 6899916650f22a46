// listen's HTTP server on real loopback sockets: what it adds to node:http (the body limit,
// Host, versions, clientError answers and reports) and the node:http guards it relies on.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createListenerServer, type Answer, type ListenerServerOptions, type Problem, type ReceivedRequest } from '../../src/http/listener.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(overrides: Partial<ListenerServerOptions> = {}) {
  const requests: ReceivedRequest[] = [];
  const problems: Problem[] = [];
  const s = createListenerServer({
    maxBodyBytes: 1024,
    handle: (req, respond) => {
      requests.push(req);
      respond({ status: 200, headers: { 'content-type': 'text/plain' }, body: `ok ${req.url}` });
    },
    onProblem: (p) => problems.push(p),
    ...overrides,
  });
  open.push(s);
  await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
  const port = (s.server.address() as AddressInfo).port;
  /** Write raw bytes (in pieces, with pauses, when given an array); resolve with all that came back once the server closes. */
  const exchange = (bytes: string | string[], { endAfterMs }: { endAfterMs?: number } = {}) =>
    new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (d) => (text += d.toString('latin1')));
      socket.on('error', () => {});
      socket.on('close', () => resolve(text));
      const pieces = Array.isArray(bytes) ? bytes : [bytes];
      let i = 0;
      const next = () => {
        if (i < pieces.length) {
          socket.write(pieces[i++]!);
          setTimeout(next, 30);
        } else if (endAfterMs !== undefined) {
          setTimeout(() => socket.end(), endAfterMs);
        }
      };
      next();
    });
  return { requests, problems, exchange, port };
}

const statuses = (text: string) => text.match(/HTTP\/1\.1 \d{3}/g) ?? [];

describe('the listener server', () => {
  it('answers pipelined requests in the order they came, even when the first is answered last', async () => {
    const { exchange } = await start({
      handle: (req, respond) => {
        const answer: Answer = { status: 200, headers: {}, body: req.url };
        if (req.url === '/slow') setTimeout(respond, 150, answer);
        else respond(answer);
      },
    });
    const text = await exchange('POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nPOST /fast HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(text.indexOf('/slow')).toBeGreaterThan(0);
    expect(text.indexOf('/slow')).toBeLessThan(text.indexOf('/fast'));
  });

  it('a declared body over the limit is handed on as too large, answered, and the connection closes', async () => {
    const { exchange, requests } = await start();
    const text = await exchange(`POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n${'x'.repeat(2000)}POST /next HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`);
    expect(statuses(text)).toEqual(['HTTP/1.1 200']);
    expect(text).toMatch(/connection: close/i);
    expect(requests.map((r) => [r.url, r.omitted, r.bodyBytes, r.body.length])).toEqual([['/big', 'too-large', 2000, 0]]);
  });

  it('a chunked body that grows past the limit is too large, counted to where reading stopped', async () => {
    const { exchange, requests } = await start();
    const chunk = `200\r\n${'y'.repeat(0x200)}\r\n`;
    const text = await exchange(['POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', chunk, chunk, chunk, '0\r\n\r\n']);
    expect(statuses(text)).toEqual(['HTTP/1.1 200']);
    expect(requests[0]).toMatchObject({ url: '/chunked', omitted: 'too-large' });
    expect(requests[0]!.bodyBytes).toBeGreaterThan(1024);
  });

  it('Expect: 100-continue gets 100 Continue within the limit, and no 100 over it', async () => {
    const { exchange, requests } = await start();
    const within = await exchange(['POST /c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n', '{}']);
    expect(within).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200/);
    const over = await exchange('POST /o HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n', { endAfterMs: 200 });
    expect(over).not.toContain('100 Continue');
    expect(statuses(over)).toEqual(['HTTP/1.1 200']);
    expect(requests.map((r) => [r.url, r.omitted, r.body.toString()])).toEqual([['/c', undefined, '{}'], ['/o', 'too-large', '']]);
  });

  it('a head that does not arrive in time gets 408, is reported, and the listener goes on', async () => {
    const { exchange, problems } = await start({ timeouts: { headersTimeout: 300, requestTimeout: 600, connectionsCheckingInterval: 50 } });
    const text = await exchange('POST /slow HTTP/1.1\r\nHost: x\r\n');
    expect(statuses(text)).toEqual(['HTTP/1.1 408']);
    expect(problems).toContainEqual(expect.objectContaining({ status: 408, code: 'timeout' }));
    expect(statuses(await exchange('GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toEqual(['HTTP/1.1 200']);
  });

  it('an idle keep-alive connection is closed after keepAliveTimeout', async () => {
    const { exchange } = await start({ timeouts: { keepAliveTimeout: 200 } });
    const started = Date.now();
    const text = await exchange('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statuses(text)).toEqual(['HTTP/1.1 200']);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a client that leaves mid-body is reported as cut off; nothing is handed on', async () => {
    const { exchange, requests, problems } = await start();
    await exchange('POST /gone HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"par', { endAfterMs: 50 });
    await new Promise((r) => setTimeout(r, 50));
    expect(requests).toEqual([]);
    expect(problems.map((p) => p.code)).toEqual(['cut-off']);
  });

  it('a handler that throws gets 500 and a report; the next request is answered', async () => {
    let calls = 0;
    const { exchange, problems } = await start({
      handle: (_req, respond) => {
        if (calls++ === 0) throw new Error('boom');
        respond({ status: 200, headers: {}, body: 'fine' });
      },
    });
    const text = await exchange('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(statuses(text)).toEqual(['HTTP/1.1 500', 'HTTP/1.1 200']);
    expect(problems).toEqual([{ status: 500, code: 'handler', message: 'request failed inside hookscope: boom' }]);
  });

  it('HEAD gets no body, 204 no length; answers carry their length, never chunked framing', async () => {
    const { exchange } = await start({ handle: (req, respond) => respond({ status: req.url === '/none' ? 204 : 200, headers: {}, body: 'hello' }) });
    const head = await exchange('HEAD /h HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(head).toMatch(/content-length: 5\r\n/i);
    expect(head.endsWith('\r\n\r\n')).toBe(true);
    const none = await exchange('GET /none HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(none).toMatch(/^HTTP\/1\.1 204/);
    expect(none).not.toMatch(/content-length|transfer-encoding/i);
    const get = await exchange('GET /g HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(get).not.toMatch(/transfer-encoding/i);
    expect(get.endsWith('hello')).toBe(true);
  });

  it('keeps node:http\'s header rules: lower-case names, repeated values joined, raw headers as sent', async () => {
    const { exchange, requests } = await start();
    await exchange('POST /h HTTP/1.1\r\nHost: x\r\nX-Twice: a\r\nX-Twice: b\r\nContent-Type: text/plain\r\nContent-Type: ignored\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(requests[0]!.headers).toMatchObject({ 'x-twice': 'a, b', 'content-type': 'text/plain' });
    expect(requests[0]!.rawHeaders.slice(2, 6)).toEqual(['X-Twice', 'a', 'X-Twice', 'b']);
  });

  it('node:http accepts Transfer-Encoding in HTTP/1.0 (the old parser refused it): the body arrives whole', async () => {
    const { exchange, requests } = await start();
    await exchange('POST /ten HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n');
    expect(requests.map((r) => [r.url, r.body.toString()])).toEqual([['/ten', '{}']]);
  });
});

describe('the in-flight budget', () => {
  it('a request whose body would go over the budget is handed on as over-budget, at once; the others are kept', async () => {
    let held = 0;
    const waiters: (() => void)[] = [];
    const { exchange, requests } = await start({
      maxBodyBytes: 1_000_000,
      maxInFlightBytes: 1_000_000,
      onHeld: (bytes) => {
        held = bytes;
        waiters.splice(0).forEach((w) => w());
      },
    });
    // A holds 700 KB of its 800 KB body...
    const a = exchange(`POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 800000\r\n\r\n${'a'.repeat(700_000)}`, { endAfterMs: 5_000 });
    while (held < 700_000) await new Promise<void>((r) => waiters.push(r));
    // ...so B's 500 KB do not fit, and C's do not either while they stream in unannounced.
    const b = await exchange(`POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n\r\n${'b'.repeat(500_000)}`);
    const c = await exchange(['POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', `7a120\r\n${'c'.repeat(500_000)}\r\n`, '0\r\n\r\n']);
    const d = await exchange('POST /d HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    expect([b, c, d].map((t) => statuses(t)[0])).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 200']);
    expect(requests.map((r) => [r.url, r.omitted, r.body.length])).toEqual([['/b', 'over-budget', 0], ['/c', 'over-budget', 0], ['/d', undefined, 2]]);
    void a;
  });
});
