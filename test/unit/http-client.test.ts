// deliver(): the bounded reply buffer, measured in-process against a loopback server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../../src/http/client.js';
import { startServer, type TestServer } from '../helpers/server.js';

const MiB = 1024 * 1024;

describe('deliver', () => {
  let server: TestServer;
  beforeAll(async () => {
    const chunk = Buffer.alloc(256 * 1024, 'y');
    server = await startServer(async (req, res) => {
      const mib = Number(new URL(req.url, 'http://x').searchParams.get('mib'));
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < mib * 4; i++) if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      res.end();
    });
  });
  afterAll(() => server.close());

  it('reads a 400 MiB reply to the end while keeping only the first keepBytes', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const outcome = await deliver({ method: 'POST', url: `${server.url}/?mib=400`, headers: [], body: Buffer.from('{}') }, { timeoutMs: 60_000, keepBytes: MiB });
    clearInterval(sampler);
    if (!outcome.ok) throw new Error(outcome.failure.message);
    expect(outcome.response.totalBytes).toBe(400 * MiB);
    expect(outcome.response.body.length).toBe(MiB);
    expect(outcome.response.truncated).toBe(true);
    // Keeping the whole reply would add 400 MiB; streaming it through stays far below that.
    expect((peak - before) / MiB).toBeLessThan(200);
  });

  it('keeps a small reply whole', async () => {
    const outcome = await deliver({ method: 'POST', url: `${server.url}/?mib=1`, headers: [], body: Buffer.from('{}') }, { timeoutMs: 10_000, keepBytes: 2 * MiB });
    expect(outcome.ok && outcome.response.truncated).toBe(false);
    expect(outcome.ok && outcome.response.body.length).toBe(MiB);
  });
});
