// The HTTP/1.x request parser behind `listen`: whatever way the bytes are split, the same
// requests come out; malformed input is refused with the right status, never a throw; and the
// headers object follows node:http's rules (checked against node's own parser on a real socket).
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Http1Parser, serializeResponse, type Http1Error, type Http1Request } from '../../src/http/http1.js';

type Event = { kind: 'head'; method: string; url: string } | { kind: 'request'; req: Omit<Http1Request, 'body'> & { body: string } } | { kind: 'error'; status: number; code: string };

const LIMITS = { maxHeadBytes: 16 * 1024, maxBodyBytes: 1024 };

/** Feed `chunks` to a fresh parser; everything it reported. */
function run(chunks: Buffer[], limits = LIMITS): Event[] {
  const events: Event[] = [];
  const parser = new Http1Parser(limits, {
    head: (h) => events.push({ kind: 'head', method: h.method, url: h.url }),
    request: (r) => events.push({ kind: 'request', req: { ...r, body: r.body.toString('latin1') } }),
    error: (e: Http1Error) => events.push({ kind: 'error', status: e.status, code: e.code }),
  });
  for (const c of chunks) parser.push(c);
  return events;
}

const whole = (text: string) => run([Buffer.from(text, 'latin1')]);

/** Every split of `text` into two pieces, and into single bytes, gives what the whole gives. */
function expectSplitInvariant(text: string, limits = LIMITS): Event[] {
  const bytes = Buffer.from(text, 'latin1');
  const expected = run([bytes], limits);
  for (let i = 1; i < bytes.length; i++) {
    expect(run([bytes.subarray(0, i), bytes.subarray(i)], limits), `split at ${i} of ${JSON.stringify(text)}`).toEqual(expected);
  }
  expect(run([...bytes].map((b) => Buffer.from([b])), limits), 'byte by byte').toEqual(expected);
  return expected;
}

const VALID = [
  'POST /hooks/relyable HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}',
  'GET /?a=1&b=%20 HTTP/1.1\r\nhost: x\r\n\r\n',
  'POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n',
  'POST /c HTTP/1.1\r\nHost: x\r\ntransfer-encoding: gzip, Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
  'PUT /u HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc',
  'POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi',
  '\r\n\r\nPOST /after-empty-lines HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n',
  'POST /ws HTTP/1.1\r\nHost:x\r\nX-Spaces:   padded value \t \r\nX-Empty:\r\nX-Obs-Text: caf\xe9\r\nContent-Length: 1\r\n\r\n\xff',
];

describe('Http1Parser: valid requests', () => {
  it('gives the same requests however the bytes are split (every split point, and byte by byte)', () => {
    for (const text of VALID) {
      const events = expectSplitInvariant(text);
      expect(events.at(-1)?.kind, text).toBe('request');
    }
  });

  it('pipelined requests come out in order, whatever the chunking', () => {
    const text = VALID.slice(0, 4).join('');
    const events = expectSplitInvariant(text).filter((e) => e.kind === 'request');
    expect(events.map((e) => e.kind === 'request' && e.req.url)).toEqual(['/hooks/relyable', '/?a=1&b=%20', '/c', '/c']);
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const bytes = Buffer.from(text, 'latin1');
    for (let round = 0; round < 200; round++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const n = 1 + Math.floor(random() * 40);
        chunks.push(bytes.subarray(at, at + n));
        at += n;
      }
      expect(run(chunks)).toEqual(run([bytes]));
    }
  });

  it('reads method, target, version, headers, body and framing', () => {
    const [head, done] = whole(VALID[0]!);
    expect(head).toEqual({ kind: 'head', method: 'POST', url: '/hooks/relyable' });
    expect(done).toMatchObject({
      kind: 'request',
      req: { httpVersion: '1.1', headers: { host: 'x', 'content-type': 'application/json', 'content-length': '11' }, rawHeaders: ['Host', 'x', 'Content-Type', 'application/json', 'Content-Length', '11'], body: '{"ok":true}', bodyBytes: 11, tooLarge: false, keepAlive: true, contentLength: 11 },
    });
    const chunked = whole(VALID[2]!).at(-1)!;
    expect(chunked).toMatchObject({ kind: 'request', req: { body: 'hello world0123456789', bodyBytes: 21, contentLength: -1 } });
    // Trailers are checked, not added to the headers.
    expect(chunked.kind === 'request' && chunked.req.headers).not.toHaveProperty('x-trailer');
    const spaced = whole(VALID[7]!).at(-1)!;
    expect(spaced).toMatchObject({ kind: 'request', req: { headers: { 'x-spaces': 'padded value', 'x-empty': '', 'x-obs-text': 'caf\xe9' }, body: '\xff' } });
  });

  it('keep-alive: HTTP/1.1 unless "Connection: close", HTTP/1.0 only with "Connection: keep-alive"', () => {
    const keep = (text: string) => {
      const last = whole(text).at(-1)!;
      return last.kind === 'request' ? last.req.keepAlive : undefined;
    };
    expect(keep('GET / HTTP/1.1\r\nHost: x\r\n\r\n')).toBe(true);
    expect(keep('GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, Close\r\n\r\n')).toBe(false);
    expect(keep('GET / HTTP/1.0\r\n\r\n')).toBe(false);
    expect(keep('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n')).toBe(true);
  });

  it('stops reading after a request that closes the connection', () => {
    const events = whole('GET /one HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(events.filter((e) => e.kind === 'request')).toHaveLength(1);
  });

  it('flags Expect: 100-continue on HTTP/1.1 only', () => {
    const flag = (text: string) => {
      const last = whole(text).at(-1)!;
      return last.kind === 'request' ? last.req.expectContinue : undefined;
    };
    expect(flag(VALID[5]!)).toBe(true);
    expect(flag('POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n')).toBe(false);
  });

  it('a body sent in many tiny pieces (1-byte chunks, 1-byte reads) comes out whole', () => {
    // 40 KB: past the views kept, and past two doublings of the buffer they are copied into.
    const data = Array.from({ length: 40_000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    const limits = { maxHeadBytes: 1024, maxBodyBytes: 100_000 };
    const chunked = `POST /tiny HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${[...data].map((c) => `1\r\n${c}\r\n`).join('')}0\r\n\r\n`;
    expect(run([Buffer.from(chunked)], limits).at(-1)).toMatchObject({ kind: 'request', req: { body: data, bodyBytes: 40_000 } });
    const bytes = Buffer.from(`POST /tiny HTTP/1.1\r\nHost: x\r\nContent-Length: 40000\r\n\r\n${data}`, 'latin1');
    expect(run([...bytes].map((b) => Buffer.from([b])), limits).at(-1)).toMatchObject({ kind: 'request', req: { body: data, bodyBytes: 40_000 } });
  });

  it('hold() stops at the next request boundary and keeps the rest; release() goes on in order', () => {
    const urls: string[] = [];
    const parser = new Http1Parser(LIMITS, { head: () => {}, request: (r) => urls.push(r.url), error: (e) => urls.push(`error ${e.code}`) });
    const two = Buffer.from(VALID[0]!.replace('/hooks/relyable', '/one') + VALID[0]!.replace('/hooks/relyable', '/two'), 'latin1');
    parser.push(two.subarray(0, 10));
    parser.hold();
    // The request already begun is finished; the next one waits.
    parser.push(two.subarray(10));
    expect(urls).toEqual(['/one']);
    parser.push(Buffer.from(VALID[1]!, 'latin1'));
    expect(urls).toEqual(['/one']);
    parser.release();
    expect(urls).toEqual(['/one', '/two', '/?a=1&b=%20']);
  });

  it('a body over the limit comes out at once as tooLarge, and nothing after it is read', () => {
    const declared = whole('POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\nxxxx');
    expect(declared.at(-1)).toMatchObject({ kind: 'request', req: { tooLarge: true, bodyBytes: 5000, body: '' } });
    const chunked = expectSplitInvariant(`POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n${'a'.repeat(512)}\r\n200\r\n${'b'.repeat(512)}\r\n1\r\nc\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(chunked.filter((e) => e.kind === 'request')).toHaveLength(1);
    expect(chunked.at(-1)).toMatchObject({ kind: 'request', req: { tooLarge: true, bodyBytes: 1025 } });
    // Exactly at the limit is fine.
    expect(whole(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n${'z'.repeat(1024)}`).at(-1)).toMatchObject({ req: { tooLarge: false, bodyBytes: 1024 } });
  });

  it('a head of exactly the limit is read; one byte more is 431', () => {
    const base = 'GET / HTTP/1.1\r\nHost: x\r\nX-Pad: \r\n\r\n';
    const limits = { maxHeadBytes: 200, maxBodyBytes: 10 };
    const fits = base.replace('X-Pad: ', `X-Pad: ${'p'.repeat(200 - base.length)}`);
    expect(fits.length).toBe(200);
    expect(run([Buffer.from(fits)], limits).at(-1)?.kind).toBe('request');
    expect(run([Buffer.from(fits.replace('X-Pad: ', 'X-Pad: p'))], limits).at(-1)).toEqual({ kind: 'error', status: 431, code: 'head-too-large' });
    // Also when the head never ends.
    expect(run([Buffer.from('GET / HTTP/1.1\r\n'), Buffer.from(`X: ${'y'.repeat(300)}`)], limits).at(-1)).toMatchObject({ kind: 'error', status: 431 });
  });
});

describe('Http1Parser: malformed requests', () => {
  const CASES: [string, number, string][] = [
    ['GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n', 400, 'obs-fold'],
    ['GET / HTTP/1.1\r\nHost : x\r\n\r\n', 400, 'header-name'],
    ['GET / HTTP/1.1\r\nHo(st: x\r\n\r\n', 400, 'header-name'],
    ['GET / HTTP/1.1\r\nHost: x\r\nX: a\x01b\r\n\r\n', 400, 'control'],
    ['GET / HTTP/1.1\r\nHost: x\nX: bare-lf\r\n\r\n', 400, 'header-value'],
    ['GET / HTTP/1.1\r\nHost: x\rX: bare-cr\r\n\r\n', 400, 'line-end'],
    ['GET / HTTP/1.1\r\n\r\n', 400, 'host'],
    ['G@T / HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'request-line'],
    ['GET  / HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'request-line'],
    ['GET /a b HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'version'],
    ['GET / HTTP/1.1 \r\nHost: x\r\n\r\n', 400, 'version'],
    ['GET / http/1.1\r\nHost: x\r\n\r\n', 400, 'version'],
    ['GET / HTTP/2.0\r\nHost: x\r\n\r\n', 505, 'version'],
    ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc', 400, 'framing'],
    ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc', 400, 'framing'],
    ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc', 400, 'framing'],
    ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n', 400, 'framing'],
    ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n', 400, 'framing'],
    ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n', 400, 'framing'],
    ['POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'framing'],
    ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400, 'chunk-size'],
    ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3x\r\nabc\r\n0\r\n\r\n', 400, 'chunk-size'],
    ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000\r\n', 400, 'chunk-size'],
    ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n', 400, 'chunk-end'],
    ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n', 400, 'line-end'],
    ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n', 400, 'trailer'],
  ];

  it.each(CASES)('%j is refused with %i (%s), however it is split', (text, status, code) => {
    const events = expectSplitInvariant(text);
    expect(events.at(-1)).toEqual({ kind: 'error', status, code });
    expect(events.filter((e) => e.kind === 'error')).toHaveLength(1);
  });

  it('earlier pipelined requests still come out before the error', () => {
    const events = whole(`${VALID[0]}GET / HTTP/9.9\r\n\r\n${VALID[1]}`);
    expect(events.map((e) => e.kind)).toEqual(['head', 'request', 'error']);
  });

  it('random bytes and mutated requests never throw: each input ends in requests, an error, or a wait for more', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = Buffer.from('GET POST / HTTP/1.1 1.0 \r\n: ;=,0123456789abcdefABCDEF chunked Content-Length Transfer-Encoding Host x\t\x00\x7f\xff', 'latin1');
    for (let round = 0; round < 3000; round++) {
      let bytes: Buffer;
      if (round % 2 === 0) {
        bytes = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 120) }, () => alphabet[Math.floor(random() * alphabet.length)]!));
      } else {
        bytes = Buffer.from(VALID[Math.floor(random() * VALID.length)]!, 'latin1');
        for (let k = 0; k < 1 + random() * 4; k++) bytes[Math.floor(random() * bytes.length)] = alphabet[Math.floor(random() * alphabet.length)]!;
      }
      const cut = Math.floor(random() * bytes.length);
      const events = run([bytes.subarray(0, cut), bytes.subarray(cut)], { maxHeadBytes: 256, maxBodyBytes: 64 });
      expect(events, bytes.toString('latin1')).toEqual(run([bytes], { maxHeadBytes: 256, maxBodyBytes: 64 }));
      expect(events.filter((e) => e.kind === 'error').length).toBeLessThanOrEqual(1);
      const errorAt = events.findIndex((e) => e.kind === 'error');
      if (errorAt !== -1) expect(errorAt).toBe(events.length - 1);
    }
  });
});

describe('Http1Parser: headers as node:http makes them', () => {
  let server: ReturnType<typeof createServer>;
  let port = 0;
  const seen: IncomingMessage[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      req.resume();
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** Node's req.headers and req.rawHeaders for these raw header lines. */
  async function nodeParse(lines: string): Promise<{ headers: unknown; rawHeaders: string[] }> {
    const before = seen.length;
    const socket = connect(port, '127.0.0.1');
    socket.on('data', () => socket.end());
    socket.write(Buffer.from(`POST /h HTTP/1.1\r\n${lines}Host: h\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`, 'latin1'));
    await new Promise((r) => socket.on('close', r));
    const req = seen[before]!;
    return { headers: { ...req.headers }, rawHeaders: req.rawHeaders };
  }

  const SETS = [
    'Host: a\r\nhost: b\r\n',
    'X-A: 1\r\nx-a: 2\r\nX-A: 3\r\n',
    'Cookie: a=1\r\ncookie: b=2\r\n',
    'Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n',
    'User-Agent: one\r\nUser-Agent: two\r\nContent-Type: a/b\r\ncontent-type: c/d\r\nAuthorization: x\r\nAuthorization: y\r\n',
    'Accept: a\r\nAccept: b\r\nVary: x\r\nVary: y\r\nDate: d1\r\nDate: d2\r\n',
    'constructor: c1\r\nconstructor: c2\r\n__proto__: p\r\ntoString: s\r\n',
    'X-MiXeD-CaSe: v\r\nx-mixed-case: w\r\n',
    'X-Latin: caf\xe9\r\nX-Tab:\tv\t\r\n',
    'Host: h\r\nX-Relyable-Signature: abc\r\nx-relyable-signature: def\r\n',
  ];

  it.each(SETS)('%j gives node\'s headers and rawHeaders', async (lines) => {
    const theirs = await nodeParse(lines);
    const ours = whole(`POST /h HTTP/1.1\r\n${lines}Host: h\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`).at(-1)!;
    expect(ours.kind).toBe('request');
    if (ours.kind !== 'request') return;
    expect(ours.req.rawHeaders).toEqual(theirs.rawHeaders);
    expect({ ...ours.req.headers }).toEqual(theirs.headers);
  });

  it('node refuses the malformed heads refused here (no request reaches its handler)', async () => {
    for (const [text] of [
      ['GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n'],
      ['GET / HTTP/1.1\r\nHost : x\r\n\r\n'],
      ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
      ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc'],
      ['GET / HTTP/1.1\r\n\r\n'],
    ]) {
      const before = seen.length;
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (d) => (answer += d.toString('latin1')));
      socket.write(text!);
      await new Promise((r) => socket.on('close', r));
      expect(seen.length, text).toBe(before);
      expect(answer, text).toMatch(/^HTTP\/1\.1 400 /);
      expect(whole(text!).at(-1)).toMatchObject({ kind: 'error', status: 400 });
    }
  });
});

describe('serializeResponse', () => {
  const date = 'Mon, 23 Nov 2026 10:00:00 GMT';
  it('writes status line, headers, date, length and keep-alive, then the body as UTF-8', () => {
    const out = serializeResponse({ status: 200, headers: { 'content-type': 'application/json', 'x-list': ['a', 'b'] }, body: '{"é":1}' }, { head: false, keepAlive: true, keepAliveSeconds: 5, date });
    expect(out.toString('utf8')).toBe(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-list: a\r\nx-list: b\r\ndate: ${date}\r\ncontent-length: 8\r\nconnection: keep-alive\r\nkeep-alive: timeout=5\r\n\r\n{"é":1}`);
  });
  it('no body for HEAD (length kept), none and no length for 204; its own length, connection and date win over given ones', () => {
    const head = serializeResponse({ status: 200, headers: { 'Content-Length': '99', Connection: 'keep-alive', Date: 'then' }, body: Buffer.from('abc') }, { head: true, keepAlive: false, keepAliveSeconds: 5, date });
    expect(head.toString()).toBe('HTTP/1.1 200 OK\r\nDate: then\r\ncontent-length: 3\r\nconnection: close\r\n\r\n');
    const none = serializeResponse({ status: 204, headers: {}, body: 'ignored' }, { head: false, keepAlive: false, keepAliveSeconds: 5, date });
    expect(none.toString()).toBe(`HTTP/1.1 204 No Content\r\ndate: ${date}\r\nconnection: close\r\n\r\n`);
  });
});
