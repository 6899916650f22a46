// The baseline for bench/send.js: the least a Node script can do to deliver the same signed
// body with undici. Usage: node bench/send-baseline.js <url> <body-file> <header> <signature>
import { readFileSync } from 'node:fs';
import { request } from 'undici';

const [url, bodyFile, header, signature] = process.argv.slice(2);
const body = readFileSync(bodyFile);
const res = await request(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'user-agent': 'baseline', [header]: signature },
  body,
});
await res.body.dump();
if (res.statusCode !== 200) process.exit(1);
