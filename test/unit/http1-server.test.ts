// listen's HTTP server on real loopback sockets: answers in request order, 100-continue, 413
// and malformed requests closing the connection, timeouts, idle keep-alive, HEAD, HTTP/1.0,
// half-closed clients, handler failures and clients that do not read their answers.
import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Http1Answer, Http1Request } from '../../src/http/http1.js';
import { createHttp1Server, type Http1ServerOptions } from '../../src/http/http1-server.js';

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const ok = (text: string): Http1Answer => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: text });

async function start(options: Partial<Http1ServerOptions> = {}) {
  const problems: { status?: number; code: string }[] = [];
  const seen: Http1Request[] = [];
  const http = createHttp1Server({
    maxBodyBytes: 1024,
    handle: (req, respond) => {
      seen.push(req);
      respond(ok(`${req.method} ${req.url} ${req.body.length}`));
    },
    onProblem: (p) => problems.push(p),
    ...options,
  });
  running.push(http);
  await new Promise<void>((r) => http.server.listen(0, '127.0.0.1', r));
  const port = (http.server.address() as AddressInfo).port;
  return { port, url: `http://127.0.0.1:${port}`, problems, seen, http };
}

/** A raw connection: write bytes, collect everything the server sends until it closes. */
function raw(port: number) {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (d) => (text += d.toString('latin1')));
  socket.on('error', () => {});
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  return {
    socket,
    write: (s: string) => socket.write(Buffer.from(s, 'latin1')),
    text: () => text,
    closed,
    /** Resolves once the answers so far contain `n` status lines. */
    answers: (n: number, timeoutMs = 5000) =>
      new Promise<string[]>((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          const lines = text.match(/HTTP\/1\.1 \d{3} /g) ?? [];
          if (lines.length >= n) return resolve(lines);
          if (Date.now() - started > timeoutMs) return reject(new Error(`wanted ${n} answers, got: ${text}`));
          setTimeout(check, 5);
        };
        check();
      }),
  };
}

const post = (path: string, body = '', extra = '') => `POST ${path} HTTP/1.1\r\nHost: x\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('http1 server', () => {
  it('answers pipelined requests in the order they came, even when later ones are answered first', async () => {
    const waits: Record<string, number> = { '/slow': 80, '/mid': 30, '/fast': 0 };
    const { port } = await start({ handle: (req, respond) => setTimeout(() => respond(ok(req.url)), waits[req.url] ?? 0) });
    const c = raw(port);
    c.write(post('/slow') + post('/mid') + post('/fast'));
    await c.answers(3);
    expect([...c.text().matchAll(/\r\n\r\n(\/[a-z]+)/g)].map((m) => m[1])).toEqual(['/slow', '/mid', '/fast']);
    c.socket.destroy();
  });

  it('keeps a connection alive across requests, with undici as the client', async () => {
    const { url, seen } = await start();
    const agent = new Agent({ connections: 1 });
    for (let i = 0; i < 20; i++) {
      const res = await request(`${url}/n/${i}`, { method: 'POST', body: `body-${i}`, dispatcher: agent });
      expect(await res.body.text()).toBe(`POST /n/${i} ${`body-${i}`.length}`);
      expect(res.headers.connection).toBe('keep-alive');
    }
    await agent.close();
    expect(seen).toHaveLength(20);
  });

  it('Expect: 100-continue gets "100 Continue" before the client sends its body (node\'s client)', async () => {
    const { port } = await start();
    const events: string[] = [];
    const answer = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/expect', headers: { expect: '100-continue', 'content-length': 5 } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text));
      });
      req.on('continue', () => {
        events.push('continue');
        req.end('hello');
      });
      req.on('error', reject);
    });
    expect(events).toEqual(['continue']);
    expect(answer).toBe('POST /expect 5');
  });

  it('a declared body over the limit: 413 without "100 Continue", then the connection closes', async () => {
    const { port } = await start({ handle: (req, respond) => respond({ status: req.tooLarge ? 413 : 200, headers: {}, body: String(req.bodyBytes) }) });
    const c = raw(port);
    c.write(`POST /big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n`);
    await c.closed;
    expect(c.text()).not.toContain('100 Continue');
    expect(c.text()).toMatch(/^HTTP\/1\.1 413 .*\r\n[^]*connection: close\r\n\r\n5000$/);
  });

  it('no "100 Continue" for a pipelined request over the limit, even when it reaches the front unanswered', async () => {
    const waits: Record<string, number> = { '/slow': 50, '/big': 150 };
    const { port } = await start({ handle: (req, respond) => setTimeout(() => respond({ status: req.tooLarge ? 413 : 200, headers: {}, body: req.url }), waits[req.url] ?? 0) });
    const c = raw(port);
    c.write(`${post('/slow')}POST /big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n`);
    await c.closed;
    expect(c.text().match(/HTTP\/1\.1 \d+/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 413']);
  });

  it('a 413 reaches a client that is still sending its body', async () => {
    const { port } = await start({ handle: (req, respond) => respond({ status: req.tooLarge ? 413 : 200, headers: {}, body: '' }) });
    const c = raw(port);
    c.write(`POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 400000\r\n\r\n`);
    for (let i = 0; i < 40; i++) c.write('x'.repeat(10_000));
    await c.closed;
    expect(c.text()).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('malformed HTTP: earlier answers first, then 400 and close; the handler never sees it', async () => {
    const { port, problems, seen } = await start();
    const c = raw(port);
    c.write(`${post('/fine', 'ok')}GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n${post('/never')}`);
    await c.closed;
    expect(c.text().match(/HTTP\/1\.1 \d+/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 400']);
    expect(c.text()).toContain('folded header line');
    expect(seen.map((r) => r.url)).toEqual(['/fine']);
    expect(problems).toEqual([expect.objectContaining({ status: 400, code: 'obs-fold' })]);
  });

  it('a head that does not arrive in time gets 408 and the connection closes', async () => {
    const { port, problems } = await start({ headersTimeoutMs: 150, requestTimeoutMs: 5000 });
    const c = raw(port);
    c.write('POST /slow HTTP/1.1\r\nHost: x\r\n');
    await c.closed;
    expect(c.text()).toMatch(/^HTTP\/1\.1 408 /);
    expect(problems).toEqual([expect.objectContaining({ status: 408, code: 'timeout' })]);
  });

  it('a body that does not arrive in time gets 408 too', async () => {
    const { port, seen } = await start({ headersTimeoutMs: 5000, requestTimeoutMs: 200 });
    const c = raw(port);
    c.write('POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{"par');
    await c.closed;
    expect(c.text()).toMatch(/^HTTP\/1\.1 408 /);
    expect(seen).toHaveLength(0);
  });

  it('an answer the handler is still working on is not timed out', async () => {
    const { port } = await start({ headersTimeoutMs: 100, requestTimeoutMs: 100, keepAliveTimeoutMs: 100, handle: (req, respond) => setTimeout(() => respond(ok('late')), 400) });
    const c = raw(port);
    c.write(post('/wait'));
    await c.answers(1);
    expect(c.text()).toMatch(/^HTTP\/1\.1 200 [^]*late$/);
    c.socket.destroy();
  });

  it('an idle keep-alive connection is closed after keepAliveTimeout', async () => {
    const { port } = await start({ keepAliveTimeoutMs: 150 });
    const c = raw(port);
    c.write(post('/once'));
    await c.answers(1);
    const at = Date.now();
    await c.closed;
    expect(Date.now() - at).toBeGreaterThanOrEqual(100);
    expect(c.text()).toContain('keep-alive: timeout=0');
  });

  it('empty lines alone do not keep an idle connection open', async () => {
    const { port } = await start({ keepAliveTimeoutMs: 200 });
    const c = raw(port);
    const drip = setInterval(() => c.write('\r\n'), 40);
    const at = Date.now();
    await c.closed;
    clearInterval(drip);
    expect(Date.now() - at).toBeLessThan(2000);
  });

  it('HEAD gets headers without a body; HTTP/1.0 closes after its answer', async () => {
    const { port } = await start();
    const head = raw(port);
    head.write('HEAD /h HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await head.closed;
    expect(head.text()).toMatch(/content-length: 9\r\nconnection: close\r\n\r\n$/);
    const old = raw(port);
    old.write('GET /old HTTP/1.0\r\n\r\n');
    await old.closed;
    expect(old.text()).toMatch(/^HTTP\/1\.1 200 OK[^]*connection: close\r\n\r\nGET \/old 0$/);
    const kept = raw(port);
    kept.write('GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    await kept.answers(1);
    kept.write('GET /b HTTP/1.0\r\n\r\n');
    await kept.closed;
    expect(kept.text().match(/GET \/\w 0/g)).toEqual(['GET /a 0', 'GET /b 0']);
  });

  it('a client that half-closes after its request still gets the answer', async () => {
    const { port } = await start({ handle: (req, respond) => setTimeout(() => respond(ok('after-fin')), 50) });
    const c = raw(port);
    c.socket.end(Buffer.from(post('/fin')));
    await c.closed;
    expect(c.text()).toMatch(/after-fin$/);
  });

  it('a client that half-closes in the middle of a body: reported, and the connection is closed', async () => {
    const { port, problems, seen } = await start();
    const c = raw(port);
    c.write(post('/whole', 'ok'));
    await c.answers(1);
    c.socket.end(Buffer.from('POST /cut HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc'));
    await c.closed;
    expect(seen.map((r) => r.url)).toEqual(['/whole']);
    expect(problems).toEqual([expect.objectContaining({ code: 'cut-off' })]);
  });

  it('a handler that throws gets the sender a 500, and the connection goes on', async () => {
    const { port, problems } = await start({
      handle: (req, respond) => {
        if (req.url === '/boom') throw new Error('boom');
        respond(ok('fine'));
      },
    });
    const c = raw(port);
    c.write(post('/boom') + post('/after'));
    await c.answers(2);
    expect(c.text().match(/HTTP\/1\.1 \d+/g)).toEqual(['HTTP/1.1 500', 'HTTP/1.1 200']);
    expect(problems).toEqual([expect.objectContaining({ status: 500, code: 'handler' })]);
    c.socket.destroy();
  });

  it('stops reading from a client that pipelines without reading its answers, and serves it all once it reads', async () => {
    const big = 'y'.repeat(200_000);
    const urls: string[] = [];
    const { port } = await start({
      maxPipelined: 4,
      handle: (req, respond) => {
        urls.push(req.url);
        respond(ok(big));
      },
    });
    const socket: Socket = connect(port, '127.0.0.1');
    socket.pause();
    for (let i = 0; i < 200; i++) socket.write(post(`/p${i}`));
    await new Promise((r) => setTimeout(r, 300));
    // The server stopped taking requests while its answers piled up unread.
    expect(urls.length).toBeLessThan(50);
    let bytes = 0;
    socket.on('data', (d: Buffer) => (bytes += d.length));
    socket.resume();
    await new Promise<void>((resolve) => {
      const check = () => (urls.length === 200 && bytes >= 200 * big.length ? resolve() : setTimeout(check, 10));
      check();
    });
    socket.destroy();
    expect(urls).toEqual(Array.from({ length: 200 }, (_, i) => `/p${i}`));
  });

  it('takes at most maxPipelined unanswered requests, even when many come in one read', async () => {
    const pending: (() => void)[] = [];
    const urls: string[] = [];
    const { port } = await start({
      maxPipelined: 4,
      handle: (req, respond) => {
        urls.push(req.url);
        pending.push(() => respond(ok(req.url)));
      },
    });
    const c = raw(port);
    c.write(Array.from({ length: 100 }, (_, i) => `GET /g${i} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
    await new Promise((r) => setTimeout(r, 100));
    expect(urls).toHaveLength(4);
    // Answer whatever is waiting until all 100 are in.
    while (urls.length < 100) {
      pending.splice(0).forEach((answer) => answer());
      await new Promise((r) => setTimeout(r, 5));
    }
    pending.splice(0).forEach((answer) => answer());
    await c.answers(100);
    expect([...c.text().matchAll(/\r\n\r\n(\/g\d+)/g)].map((m) => m[1])).toEqual(Array.from({ length: 100 }, (_, i) => `/g${i}`));
    c.socket.destroy();
  });

  it('close() drops open connections, idle or mid-request', async () => {
    const { port, http } = await start();
    const idle = raw(port);
    const mid = raw(port);
    mid.write('POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab');
    await new Promise((r) => setTimeout(r, 50));
    await http.close();
    await Promise.all([idle.closed, mid.closed]);
    running.length = 0;
  });
});
