// A baseline for bench/listen.js: the webhook receiver a developer writes in five minutes. A
// node:http server that reads the body, JSON.parse's it, checks the Relyable signature (HMAC-SHA256
// hex of the raw body in x-relyable-signature, crypto.timingSafeEqual after a length check),
// appends one NDJSON line per request to a log (fs.createWriteStream), prints one line per request
// on stdout (console.log) and answers 200 {"ok":true}.
// With --validate it also checks each body with hookscope's library (`validate()` from
// dist/index.js: vendor detection and the event's schema) and logs the verdict: the same receiver
// for a developer who checks schemas too, so bench/listen.js can show what the checks cost alone.
// Usage: node bench/listen-diy.js <log-file> <secret> [--validate]. Prints
// `listen-diy: http://127.0.0.1:PORT` on stderr (stdout is the per-request feed). SIGTERM: stop,
// flush the log, exit 0.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';

const [logFile, secret, flag] = process.argv.slice(2);
if (!logFile || !secret || (flag !== undefined && flag !== '--validate')) {
  console.error('usage: node bench/listen-diy.js <log-file> <secret> [--validate]');
  process.exit(2);
}
const check = flag ? (await import('../dist/index.js')).validate : undefined;
const log = createWriteStream(logFile, { flags: 'a' });

function signatureValid(raw, header) {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw).digest('hex'));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    let body;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"ok":false}');
      return;
    }
    const valid = signatureValid(raw, req.headers['x-relyable-signature']);
    const schema = check?.(body).valid;
    const time = new Date().toISOString();
    log.write(`${JSON.stringify({ time, path: req.url, headers: req.headers, body, valid, schema })}\n`);
    console.log(`${time} ${req.method} ${req.url} ${body.event} ${body.data?.test_run_id} signature ${valid ? 'ok' : 'BAD'}${check ? ` schema ${schema ? 'ok' : 'BAD'}` : ''}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});

server.listen(0, '127.0.0.1', () => console.error(`listen-diy: http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  log.end(() => process.exit(0));
});
