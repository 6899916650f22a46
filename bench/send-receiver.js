// Loopback receiver for bench/send.js, run as its own process so the timed senders (spawned
// synchronously by the benchmark) have something to talk to. Answers every POST with 200 and
// remembers the last one; GET /last returns it, for the benchmark's sanity check.
import { createServer } from 'node:http';

let last = null;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/last') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(last));
      return;
    }
    last = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"received":true}');
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
