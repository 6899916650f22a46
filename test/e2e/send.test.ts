// `hookscope send` through the built binary against real loopback servers. Each receiver
// checks the signature the way the vendor's own docs show, written here independently of
// hookscope's catalog, so a single changed byte (body or signature) fails the test.
import { execFile } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilioSdk from 'twilio';
import { runCli } from '../helpers/cli.js';
import { allFixtures } from '../helpers/fixtures.js';
import { NO_SECRETS } from '../helpers/listen.js';
import { closedPort, startRawServer, startServer, type Received, type TestServer } from '../helpers/server.js';

const SECRET = 'whsec_e2e_0123456789abcdefghij';
/** Standard Webhooks secrets (OpenAI's too) are whsec_ + base64 key bytes. */
const WHSEC = `whsec_${Buffer.from('hookscope-send-e2e-key').toString('base64')}`;
const secretOf = (vendor: string) => (vendor === 'openai' || vendor === 'standard-webhooks' ? WHSEC : SECRET);
const send = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['send', ...args], { env: { ...NO_SECRETS, ...env } });

// --- The vendors' own verification recipes ------------------------------------------------

/** Relyable's Node sample: HMAC-SHA256 hex over JSON.stringify(req.body), compared with timingSafeEqual. */
function relyableNode(raw: Buffer, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(JSON.stringify(JSON.parse(raw.toString('utf8')))).digest('hex');
  return header.length === expected.length && timingSafeEqual(Buffer.from(header), Buffer.from(expected));
}

/** Relyable's Python sample: hmac.new(secret, request.get_data(), sha256).hexdigest() over the raw bytes. */
function relyablePython(raw: Buffer, header: string | undefined, secret: string): boolean {
  return header === createHmac('sha256', secret).update(raw).digest('hex');
}

/** Smallest.ai: X-Signature = hex(HMAC_SHA256(secret, raw_request_body)). */
function smallestHex(raw: Buffer, header: string | undefined, secret: string): boolean {
  return header === createHmac('sha256', secret).update(raw).digest('hex');
}

/** ElevenLabs: `t=<s>,v0=<hex>`, hex HMAC-SHA256 of "<t>.<raw body>" (post-call webhooks page). */
function elevenlabsRecipe(raw: Buffer, header: string | undefined, secret: string): boolean {
  const parts = new Map((header ?? '').split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const));
  const t = parts.get('t');
  return t !== undefined && parts.get('v0') === createHmac('sha256', secret).update(`${t}.`).update(raw).digest('hex');
}

/** Synthflow: base64 HMAC-SHA256 of call.call_id, "the call_id as the payload". */
function synthflowCallId(raw: Buffer, header: string | undefined, secret: string): boolean {
  const callId = (JSON.parse(raw.toString('utf8')) as { call?: { call_id?: string } }).call?.call_id;
  return typeof callId === 'string' && header === createHmac('sha256', secret).update(callId).digest('base64');
}

/** Retell: X-Retell-Signature `v=<ms>,d=<hex HMAC-SHA256(key, raw body + ms)>`, 5 minutes either way. */
function retellSignature(raw: Buffer, header: string | undefined, key: string): boolean {
  const m = /^v=(\d+),d=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m || Math.abs(Date.now() - Number(m[1])) > 5 * 60_000) return false;
  return m[2] === createHmac('sha256', key).update(Buffer.concat([raw, Buffer.from(m[1]!)])).digest('hex');
}

/** Bland: X-Webhook-Signature = hex HMAC-SHA256 of the request body (raw bytes, not JSON.stringify(req.body)). */
function blandHex(raw: Buffer, header: string | undefined, secret: string): boolean {
  return header === createHmac('sha256', secret).update(raw).digest('hex');
}

/** Vapi's own example handler: request.headers['x-vapi-secret'] === process.env.VAPI_SECRET. */
function vapiSecret(header: string | string[] | undefined, secret: string): boolean {
  return header === secret;
}

/** What a Vapi receiver answers to the messages a call waits on (docs events.mdx), read from the body. */
function vapiReply(raw: Buffer): string | undefined {
  const message = (JSON.parse(raw.toString('utf8')) as { message?: { type?: string; toolCallList?: { id: string }[] } }).message;
  switch (message?.type) {
    case 'assistant-request':
      return JSON.stringify({ assistantId: 'asst_1' });
    case 'tool-calls':
      return JSON.stringify({ results: (message.toolCallList ?? []).map((c) => ({ toolCallId: c.id, result: 'done' })) });
    case 'transfer-destination-request':
      return JSON.stringify({ destination: { type: 'number', number: '+15550100777' } });
    case 'handoff-destination-request':
      return JSON.stringify({ destination: { type: 'assistant', assistantName: 'Reservations' } });
    case 'knowledge-base-request':
      return JSON.stringify({ documents: [{ content: 'Open 17:00 to 23:00.', similarity: 0.9 }] });
    default:
      return undefined;
  }
}

// --- Every vendor, every event --------------------------------------------------------------

describe('send: every vendor and event arrives signed as the vendor signs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      // The inbound-call webhooks (Synthflow's, Retell's), ElevenLabs' conversation-initiation webhook, Twilio's Voice URL
      // and Vapi's request/response messages need a reply body; everything else a plain 200.
      if (req.url.endsWith('/twilio') && !/CallbackSource=|RecordingSid=/.test(req.body.toString())) {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hi</Say></Response>');
        return;
      }
      const inbound = req.body.includes('"event":"call_inbound"');
      const initiation = req.body.includes('"caller_id":');
      const variables = req.url.startsWith('/hooks/retell') ? { dynamic_variables: { customer_name: 'Ada' } } : { custom_variables: { customer_name: 'Ada' } };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        inbound
          ? JSON.stringify({ call_inbound: variables })
          : initiation
            ? JSON.stringify({ type: 'conversation_initiation_client_data', dynamic_variables: { customer_name: 'Ada' } })
            : ((req.url.endsWith('/vapi') ? vapiReply(req.body) : undefined) ?? '{"received":true}'),
      );
    });
  });
  afterAll(() => server.close());

  // `send <vendor> <event>` sends the event's first fixture (retell call_ended also has a web call).
  const requests = allFixtures().filter((f, i, all) => f.part === 'request' && all.findIndex((g) => g.vendor === f.vendor && g.event === f.event && g.part === 'request') === i);

  it.each(requests.map((f) => [f.vendor, f.event, f] as const))('%s %s', async (vendor, event, fixture) => {
    const before = server.received.length;
    // An event's other fixtures (ElevenLabs' Twilio call_initiation_failure) go out with --data.
    const isDefault = requests.find((f) => f.vendor === vendor && f.event === event) === fixture;
    const r = await send([vendor, event, '--url', `${server.url}/hooks/${vendor}`, '--secret', secretOf(vendor), '--no-fresh', ...(isDefault ? [] : ['--data', fixture.file])]);
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stdout).not.toContain(SECRET);
    expect(server.received.length).toBe(before + 1);
    const got = server.received.at(-1)!;

    // Byte for byte: the compact serialisation of the fixture (fresh values off); form events
    // (Twilio) form-encoded, with their content type.
    const form = vendor === 'twilio';
    expect(got.body.equals(Buffer.from(form ? new URLSearchParams(fixture.body as Record<string, string>).toString() : JSON.stringify(fixture.body)))).toBe(true);
    expect(got.method).toBe('POST');
    expect(got.url).toBe(`/hooks/${vendor}`);
    expect(got.headers['content-type']).toBe(form ? 'application/x-www-form-urlencoded' : 'application/json');
    expect(got.headers['user-agent']).toMatch(/^hookscope\/\d+\.\d+\.\d+/);

    // The vendors' own SDKs judge the schemes they publish.
    const standard = got.headers as Record<string, string>;
    const verdicts: Record<string, () => void | Promise<void>> = {
      openai: async () => {
        await expect(new OpenAI({ apiKey: 'x' }).webhooks.unwrap(got.body.toString(), standard, WHSEC)).resolves.toMatchObject({ type: event });
        await expect(new OpenAI({ apiKey: 'x' }).webhooks.unwrap(got.body.toString(), standard, `whsec_${Buffer.from('another key').toString('base64')}`)).rejects.toThrow();
      },
      'standard-webhooks': () => {
        expect(() => new Webhook(WHSEC).verify(got.body, standard)).not.toThrow();
        expect(() => new Webhook(WHSEC).verify(Buffer.concat([got.body, Buffer.from(' ')]), standard)).toThrow();
      },
      relyable: () => {
        const sig = got.headers['x-relyable-signature'] as string;
        expect(relyableNode(got.body, sig, SECRET)).toBe(true);
        expect(relyablePython(got.body, sig, SECRET)).toBe(true);
        expect(relyablePython(got.body, sig, `${SECRET}x`)).toBe(false);
      },
      smallest: () => {
        expect(smallestHex(got.body, got.headers['x-signature'] as string, SECRET)).toBe(true);
        expect(smallestHex(Buffer.concat([got.body, Buffer.from(' ')]), got.headers['x-signature'] as string, SECRET)).toBe(false);
      },
      synthflow: () => {
        if (event === 'call_inbound') {
          // No call_id in an inbound-call request, so nothing to sign: sent unsigned, and said.
          expect(got.headers['synthflow-signature']).toBeUndefined();
          expect(r.stderr).toContain('cannot be signed');
        } else {
          expect(synthflowCallId(got.body, got.headers['synthflow-signature'] as string, SECRET)).toBe(true);
          expect(r.stderr).toContain('is an assumption');
        }
      },
      retell: () => {
        const sig = got.headers['x-retell-signature'] as string;
        expect(retellSignature(got.body, sig, SECRET)).toBe(true);
        expect(retellSignature(got.body, sig, `${SECRET}x`)).toBe(false);
        if (event === 'call_inbound') expect(r.stdout).toContain('the reply is what the vendor expects');
      },
      twilio: () => {
        // Twilio's SDK, with the URL the request was made to and the parameters it carried.
        const params = Object.fromEntries(new URLSearchParams(got.body.toString()));
        const sig = got.headers['x-twilio-signature'] as string;
        expect(twilioSdk.validateRequest(SECRET, sig, `${server.url}/hooks/twilio`, params)).toBe(true);
        expect(twilioSdk.validateRequest(SECRET, sig, `${server.url}/hooks/other`, params)).toBe(false);
      },
      bland: () => {
        expect(blandHex(got.body, got.headers['x-webhook-signature'] as string, SECRET)).toBe(true);
        expect(blandHex(got.body, got.headers['x-webhook-signature'] as string, `${SECRET}x`)).toBe(false);
      },
      vapi: () => {
        expect(vapiSecret(got.headers['x-vapi-secret'], SECRET)).toBe(true);
        expect(r.stderr).toContain("no --auth: signed with vapi's secret mode");
      },
      bluejay: () => {
        expect(Object.keys(got.headers).filter((h) => /sign/i.test(h))).toEqual([]);
        expect(r.stderr).toContain('bluejay documents no signature scheme');
      },
      elevenlabs: () => {
        const sig = got.headers['elevenlabs-signature'] as string | undefined;
        if (event === 'conversation_initiation') {
          // Not HMAC-signed by ElevenLabs: sent unsigned, and said.
          expect(sig).toBeUndefined();
          expect(r.stderr).toContain('not signed');
        } else {
          expect(elevenlabsRecipe(got.body, sig, SECRET)).toBe(true);
          expect(elevenlabsRecipe(Buffer.concat([got.body, Buffer.from(' ')]), sig, SECRET)).toBe(false);
        }
      },
    };
    await verdicts[vendor]!();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ accepted');
  });

  it('fresh values: a fixture timestamp is replaced by now, unless pinned with --set', async () => {
    const fresh = await send(['relyable', 'test_run.completed', '--url', server.url]);
    expect(fresh.code).toBe(0);
    const sent = JSON.parse(server.received.at(-1)!.body.toString()) as { timestamp: string };
    expect(Math.abs(Date.parse(sent.timestamp) - Date.now())).toBeLessThan(60_000);
    expect(fresh.stderr).toContain('fresh per delivery: timestamp');

    const pinned = await send(['relyable', 'test_run.completed', '--url', server.url, '--set', 'timestamp=2024-01-15T10:30:00Z']);
    expect(pinned.code).toBe(0);
    expect((JSON.parse(server.received.at(-1)!.body.toString()) as { timestamp: string }).timestamp).toBe('2024-01-15T10:30:00Z');
  });

  it('the secret comes from the vendor variable, then HOOKSCOPE_SECRET; the output names the source, never the value', async () => {
    const own = await send(['smallest', 'post-conversation', '--url', server.url, '--json'], { SMALLEST_WEBHOOK_SECRET: SECRET, HOOKSCOPE_SECRET: 'other-secret-0000000000' });
    const ownResult = JSON.parse(own.stdout) as { signing: { secretSource: string; secret: string } };
    expect(ownResult.signing.secretSource).toBe('$SMALLEST_WEBHOOK_SECRET');
    expect(ownResult.signing.secret).toBe(`****${SECRET.slice(-4)} (${SECRET.length} chars)`);
    expect(smallestHex(server.received.at(-1)!.body, server.received.at(-1)!.headers['x-signature'] as string, SECRET)).toBe(true);

    const generic = await send(['atoms', 'post-conversation', '--url', server.url], { HOOKSCOPE_SECRET: SECRET });
    expect(generic.code).toBe(0);
    expect(generic.stdout).toContain('from $HOOKSCOPE_SECRET');
    expect(smallestHex(server.received.at(-1)!.body, server.received.at(-1)!.headers['x-signature'] as string, SECRET)).toBe(true);
    for (const r of [own, generic]) expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('without a secret: sent unsigned, and the user is told how to sign', async () => {
    const r = await send(['relyable', 'test_run.failed', '--url', server.url]);
    expect(r.code).toBe(0);
    expect(server.received.at(-1)!.headers['x-relyable-signature']).toBeUndefined();
    expect(r.stderr).toContain('no secret: pass --secret or set $RELYABLE_WEBHOOK_SECRET or $HOOKSCOPE_SECRET; sent unsigned');
  });

  it('"sent unsigned" only when something was sent: a dry run shows an unsigned request, a refused body sends nothing', async () => {
    const count = server.received.length;
    const dry = await send(['relyable', 'test_run.failed', '--url', server.url, '--dry-run']);
    expect(dry.stderr).toContain('no secret: pass --secret or set $RELYABLE_WEBHOOK_SECRET or $HOOKSCOPE_SECRET; the request above is unsigned');
    const refused = await send(['relyable', 'test_run.failed', '--url', server.url, '--set', 'data.calls_failed="many"']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('it would go unsigned');
    for (const r of [dry, refused]) expect(r.stderr).not.toContain('sent unsigned');
    expect(server.received.length).toBe(count);
  });

  it('--secret vendor=value is read as the vendor and its secret, not signed with literally', async () => {
    const r = await send(['relyable', 'test_run.failed', '--url', server.url, '--secret', `relyable=${SECRET}`]);
    expect(r.code, r.stderr).toBe(0);
    const got = server.received.at(-1)!;
    expect(relyableNode(got.body, got.headers['x-relyable-signature'] as string, SECRET)).toBe(true);
    const other = await send(['relyable', 'test_run.failed', '--url', server.url, '--secret', `smallest=${SECRET}`]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('--secret names smallest, but this is relyable');
  });

  it('--set edits typed values and --unset removes fields; the signature covers the edited bytes', async () => {
    // previous_score is required, so removing it needs --no-validate.
    const r = await send(['relyable', 'test_run.completed', '--url', server.url, '--secret', SECRET, '--set', 'data.score=42.5', '--set', 'data.scenarios_tested=["a"]', '--set', 'data.agent_name=Front desk', '--unset', 'data.previous_score', '--no-validate']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const got = server.received.at(-1)!;
    const body = JSON.parse(got.body.toString()) as { data: Record<string, unknown> };
    expect(body.data.score).toBe(42.5);
    expect(body.data.scenarios_tested).toEqual(['a']);
    expect(body.data.agent_name).toBe('Front desk');
    expect('previous_score' in body.data).toBe(false);
    expect(relyableNode(got.body, got.headers['x-relyable-signature'] as string, SECRET)).toBe(true);
  });

  it('--header adds or replaces headers; --signature-header moves the synthflow signature', async () => {
    const r = await send(['synthflow', 'post_call', '--url', server.url, '--secret', SECRET, '-H', 'X-Trace: abc', '--header', 'User-Agent: Synthflow/1.0', '--signature-header', 'X-Synthflow-Signature']);
    expect(r.code, r.stderr).toBe(0);
    const got = server.received.at(-1)!;
    expect(got.headers['x-trace']).toBe('abc');
    expect(got.headers['user-agent']).toBe('Synthflow/1.0');
    expect(got.headers['synthflow-signature']).toBeUndefined();
    expect(synthflowCallId(got.body, got.headers['x-synthflow-signature'] as string, SECRET)).toBe(true);
    expect(r.stderr).not.toContain('is an assumption');
  });

  it('sends only the headers a vendor would: no accept, sec-fetch-mode or accept-encoding added by a fetch layer', async () => {
    await send(['relyable', 'agent.score_dropped', '--url', server.url, '--secret', SECRET]);
    const names = server.received.at(-1)!.rawHeaderNames.map((n) => n.toLowerCase()).sort();
    expect(names).toEqual(['connection', 'content-length', 'content-type', 'host', 'user-agent', 'x-relyable-signature']);
  });

  it('--data reads a body from a file or stdin, kept as given (no fresh values)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookscope-send-'));
    try {
      const body = allFixtures().find((f) => f.vendor === 'relyable' && f.event === 'test_run.failed')!.body;
      const file = join(dir, 'body.json');
      writeFileSync(file, JSON.stringify(body, null, 2));
      const r = await send(['relyable', 'test_run.failed', '--url', server.url, '--data', file, '--secret', SECRET]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const got = server.received.at(-1)!;
      // Pretty-printed in the file, compact on the wire, so both Relyable recipes agree.
      expect(got.body.toString()).toBe(JSON.stringify(body));
      expect(r.stderr).not.toContain('fresh per delivery');
      expect(relyablePython(got.body, got.headers['x-relyable-signature'] as string, SECRET)).toBe(true);

      const stdin = await runCli(['send', 'relyable', 'test_run.failed', '--url', server.url, '--data', '-'], { input: JSON.stringify(body), env: NO_SECRETS });
      expect(stdin.code).toBe(0);
      expect(server.received.at(-1)!.body.toString()).toBe(JSON.stringify(body));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// --- Judging the answer -----------------------------------------------------------------------

describe('send: the answer is judged by the vendor rule', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  const answer =
    (status: number, body: string, headers: Record<string, string> = {}) =>
    (_r: Received, res: ServerResponse) => {
      res.writeHead(status, headers);
      res.end(body);
    };
  const serve = async (respond: Parameters<typeof startServer>[0]) => {
    const s = await startServer(respond);
    servers.push(s);
    return s;
  };

  it('500 is a failed delivery (exit 1) and the reply body is shown', async () => {
    const s = await serve(answer(500, '{"error":"database down"}', { 'content-type': 'application/json' }));
    const r = await send(['smallest', 'analytics-completed', '--url', s.url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('← 500 Internal Server Error');
    expect(r.stdout).toContain('"error": "database down"');
    expect(r.stdout).toContain('✗ rejected: smallest counts 500 as a failed delivery (success is any 2xx)');
  });

  it('201 fails for relyable (exactly 200) but is accepted by smallest (any 2xx)', async () => {
    const s = await serve(answer(201, ''));
    const relyable = await send(['relyable', 'test_run.completed', '--url', s.url]);
    expect(relyable.code).toBe(1);
    expect(relyable.stdout).toContain('relyable counts 201 as a failed delivery (success is exactly 200) and would retry');
    const smallest = await send(['smallest', 'pre-conversation', '--url', s.url]);
    expect(smallest.code).toBe(0);
    expect(smallest.stdout).toContain('✓ accepted: smallest counts 201 as delivered');
  });

  it('a redirect is not followed and is a failure that names its Location', async () => {
    const s = await serve(answer(308, '', { location: 'https://hooks.example.test/new-path' }));
    const r = await send(['relyable', 'test_run.completed', '--url', s.url, '--json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { failure: { kind: string; message: string } };
    expect(result.failure.kind).toBe('redirect');
    expect(result.failure.message).toContain('https://hooks.example.test/new-path');
    expect(s.received.length).toBe(1);
  });

  it('connection refused says so (exit 1)', async () => {
    const port = await closedPort();
    const r = await send(['relyable', 'test_run.completed', '--url', `http://127.0.0.1:${port}/hooks`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`connection refused by 127.0.0.1:${port}`);
  });

  it('a receiver that never answers times out after --timeout (exit 1)', async () => {
    const s = await serve(() => {
      /* never answers */
    });
    const r = await send(['bluejay', 'simulation_ended', '--url', s.url, '--timeout', '300', '--json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { failure: { kind: string; message: string } };
    expect(result.failure).toEqual({ kind: 'timeout', message: expect.stringContaining('within 300 ms') });
  });

  it('a reply that is not HTTP is reported as such (exit 1)', async () => {
    const raw = await startRawServer('SSH-2.0-OpenSSH_9.6\r\n');
    servers.push(raw);
    const r = await send(['relyable', 'test_run.completed', '--url', raw.url, '--json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { failure: { kind: string; message: string } };
    expect(result.failure.kind).toBe('bad-response');
    expect(result.failure.message).toContain('not valid HTTP');
  });

  it('a 10 MB reply is read to the end but kept and shown truncated', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const s = await serve(async (_r, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 160; i++) if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      res.end();
    });
    const json = await send(['relyable', 'test_run.completed', '--url', s.url, '--json']);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as { response: { body: string; totalBytes: number; truncated: boolean } };
    expect(result.response.totalBytes).toBe(160 * 64 * 1024);
    expect(result.response.truncated).toBe(true);
    expect(result.response.body.length).toBe(1024 * 1024);

    const pretty = await send(['relyable', 'test_run.completed', '--url', s.url]);
    expect(pretty.code).toBe(0);
    expect(pretty.stdout).toContain(`… (${160 * 64 * 1024} bytes in all; showing the first 4000 characters`);
    expect(pretty.stdout.length).toBeLessThan(10_000);
  });

  it('synthflow call_inbound: an empty reply is a failure that says the caller is disconnected', async () => {
    const s = await serve(answer(200, ''));
    const r = await send(['synthflow', 'call_inbound', '--url', s.url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('an empty answer disconnects the caller');
  });

  it('synthflow call_inbound: a reply that breaks the reply schema is shown with its path', async () => {
    const s = await serve(answer(200, '{"call_inbound":{"custom_variables":{"tier":3}}}', { 'content-type': 'application/json' }));
    const r = await send(['synthflow', 'call_inbound', '--url', s.url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('$.call_inbound.custom_variables.tier');
    expect(r.stdout).toContain('does not match the call_inbound reply schema');
  });

  it('a hostile reply cannot drive the terminal: control characters are shown escaped', async () => {
    const s = await serve(answer(200, 'ok\x1b[2J\x07', { 'content-type': 'text/plain' }));
    const r = await send(['relyable', 'test_run.completed', '--url', s.url]);
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).toContain('ok\\x1b[2J\\x07');
  });
});

// --- Refusals, usage errors, dry run ------------------------------------------------------------

describe('send: what is refused before anything is sent', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it.each([
    [['relyable', 'test_run.completed', '--set', 'data..score=1'], 'exit 2 for a bad path'],
    [['relyable', 'test_run.completed', '--set', 'novalue'], 'exit 2 without ='],
    [['relyable', 'test_run.completed', '--set', 'data.scenarios_tested[9]=x'], 'exit 2 for an index past the end'],
    [['relyable', 'test_run.completed', '--unset', 'data.nope'], 'exit 2 for a field that is not there'],
  ])('invalid --set/--unset %j (%s)', async (args) => {
    const r = await send([...args, '--url', server.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hookscope: --(set|unset)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(server.received.length).toBe(0);
  });

  it('a body that breaks the schema is refused with its JSON path (exit 1), and sent with --no-validate', async () => {
    const args = ['relyable', 'test_run.completed', '--url', server.url, '--set', 'data.score="high"'];
    const refused = await send(args);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('$.data.score');
    expect(refused.stdout).toContain('not sent (use --no-validate to send it anyway)');
    expect(server.received.length).toBe(0);

    const sent = await send([...args, '--no-validate']);
    expect(sent.code).toBe(0);
    expect(server.received.length).toBe(1);
    expect((JSON.parse(server.received[0]!.body.toString()) as { data: { score: unknown } }).data.score).toBe('high');
  });

  it('a --data file with a bad value is refused with file:line:col', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookscope-send-'));
    try {
      const file = join(dir, 'bad.json');
      writeFileSync(file, '{\n  "event": "test_run.failed",\n  "timestamp": "2024-01-15T10:30:00Z",\n  "data": {"test_run_id": 7, "agent_id": "a", "agent_name": "A", "error": "x"}\n}\n');
      const bad = await send(['relyable', 'test_run.failed', '--url', server.url, '--data', file]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain(`${file}:4:27`);
      expect(bad.stdout).toContain('$.data.test_run_id');

      writeFileSync(file, '{"event": "test_run.failed",,}');
      const malformed = await send(['relyable', 'test_run.failed', '--url', server.url, '--data', file]);
      expect(malformed.code).toBe(1);
      expect(malformed.stderr).toContain(`${file}:1:29`);

      const missing = await send(['relyable', 'test_run.failed', '--url', server.url, '--data', join(dir, 'nope.json')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('no such file');
      expect(server.received.length).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['relyabel', 'test_run.completed'], 'did you mean relyable'],
    [['relyable', 'test_run.complete'], 'did you mean test_run.completed'],
    [['relyable', 'test_run.completed'], 'missing --url'],
    [['relyable', 'test_run.completed', '--url', 'ftp://x/'], '--url must be http:// or https://'],
    [['relyable', 'test_run.completed', '--url', 'ftp://localhost:3000'], '--url must be http:// or https://'],
    [['relyable', 'test_run.completed', '--url', 'http://127.0.0.1:1/', '--timeout', '-5'], 'expected a whole number of milliseconds'],
    [['relyable', 'test_run.completed', '--url', 'http://127.0.0.1:1/', '-H', 'no colon'], "expected 'Name: value'"],
  ])('usage error %j: exit 2, %s', async (args, message) => {
    const r = await send(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('--dry-run prints the exact request with its signature, masks the secret, sends nothing; its curl command sends the same bytes', async () => {
    const before = server.received.length;
    const r = await send(['relyable', 'test_run.completed', '--url', `${server.url}/dry`, '--secret', SECRET, '--no-fresh', '--dry-run']);
    expect(r.code).toBe(0);
    expect(server.received.length).toBe(before);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout).toContain(`secret ****${SECRET.slice(-4)} (${SECRET.length} chars) from --secret`);
    const signature = /^x-relyable-signature: ([0-9a-f]{64})$/m.exec(r.stdout)?.[1];
    expect(signature).toBeDefined();
    const curl = r.stdout.split('\n').find((l) => l.startsWith('curl '))!;
    // Async: the receiver runs in this process, so blocking here would deadlock it.
    await promisify(execFile)('bash', ['-c', curl]);
    expect(server.received.length).toBe(before + 1);
    const got: Received = server.received.at(-1)!;
    expect(got.headers['x-relyable-signature']).toBe(signature);
    expect(relyablePython(got.body, signature, SECRET)).toBe(true);
    expect(relyableNode(got.body, signature, SECRET)).toBe(true);
  });
});
