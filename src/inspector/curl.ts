// Copy-as-curl: a curl command that sends the exact request that was received (method, URL,
// headers as recorded, signature included, body byte for byte). Pure.
const CONNECTION = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect', 'proxy-connection', 'host', 'content-length']);

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface CurlInput {
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
}

/**
 * The command. A UTF-8 body goes in `--data-binary` as it is; a base64 one (bytes that are not
 * text) is decoded by `base64 -d` and piped in, so no byte is changed by the shell.
 * `-H 'Expect:'` stops curl adding a header the vendor did not send.
 */
export function curlCommand(req: CurlInput): string {
  const parts = ['curl', '-sS', '-X', shellQuote(req.method), shellQuote(req.url)];
  for (const [name, value] of Object.entries(req.headers)) {
    if (CONNECTION.has(name.toLowerCase())) continue;
    for (const v of Array.isArray(value) ? value : [value]) parts.push('-H', shellQuote(`${name}: ${v}`));
  }
  const hasBody = req.body !== '';
  if (hasBody && !('content-type' in lower(req.headers))) parts.push('-H', shellQuote('Content-Type:'));
  if (hasBody) parts.push('-H', shellQuote('Expect:'));
  if (!hasBody) return parts.join(' ');
  if (req.bodyEncoding === 'base64') return `printf %s ${shellQuote(req.body)} | base64 -d | ${parts.join(' ')} --data-binary @-`;
  return `${parts.join(' ')} --data-binary ${shellQuote(req.body)}`;
}

function lower(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(headers)) out[k.toLowerCase()] = headers[k];
  return out;
}
