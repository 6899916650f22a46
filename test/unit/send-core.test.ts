// The pure parts of `send`: body edits, fresh values, secrets, failure classification, the
// curl command and the reporter's handling of untrusted replies.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlCommand, type SendResult } from '../../src/commands/send.js';
import { EditError, freshen, parseAssignment, setPath, unsetPath } from '../../src/json/edit.js';
import { classify } from '../../src/http/client.js';
import { maskSecret, parseSecretFlags, secretFor } from '../../src/signing/secrets.js';
import { renderSend, renderSendJson, sendNotes } from '../../src/reporters/send.js';
import { makeChalk } from '../../src/ui/terminal.js';
import { relyable } from '../../src/vendors/relyable.js';
import { smallest } from '../../src/vendors/smallest.js';

describe('--set values', () => {
  it.each<[string, unknown]>([
    ['data.score=42.5', 42.5],
    ['data.ok=true', true],
    ['data.gone=null', null],
    ['data.list=["a"]', ['a']],
    ['data.name="42"', '42'],
    ['data.name=Front desk', 'Front desk'],
    ['data.eq=a=b', 'a=b'],
    ['data.empty=', ''],
  ])('%s', (text, value) => {
    expect(parseAssignment(text).value).toEqual(value);
  });

  it('paths take dots, indexes and quoted keys', () => {
    expect(parseAssignment('metadata["x.y"][0].z=1').path).toEqual(['metadata', 'x.y', 0, 'z']);
  });

  it.each(['novalue', '=1', 'a..b=1', 'a[x]=1', 'a.=1'])('rejects %j', (text) => {
    expect(() => parseAssignment(text)).toThrow(EditError);
  });
});

describe('setPath / unsetPath', () => {
  it('creates missing objects and arrays on the way', () => {
    const body: Record<string, unknown> = {};
    setPath(body, ['a', 'b', 'c'], 1);
    setPath(body, ['list', 0, 'id'], 'x');
    expect(body).toEqual({ a: { b: { c: 1 } }, list: [{ id: 'x' }] });
  });

  it('appends at the end of an array but refuses a gap', () => {
    const body = { list: [1, 2] };
    setPath(body, ['list', 2], 3);
    expect(body.list).toEqual([1, 2, 3]);
    expect(() => setPath(body, ['list', 9], 0)).toThrow(/past the end of the array \(length 3\)/);
  });

  it('refuses to index into a value of the wrong kind', () => {
    expect(() => setPath({ a: 'text' }, ['a', 'b'], 1)).toThrow(/parent is not an object/);
    expect(() => setPath({ a: {} }, ['a', 0], 1)).toThrow(/is not an array/);
  });

  it('unset removes a field or an array element, and says when there is nothing to remove', () => {
    const body = { a: { b: 1, c: 2 }, list: ['x', 'y', 'z'] };
    unsetPath(body, 'a.b');
    unsetPath(body, 'list[1]');
    expect(body).toEqual({ a: { c: 2 }, list: ['x', 'z'] });
    expect(() => unsetPath(body, 'a.b')).toThrow(/no such field/);
    expect(() => unsetPath(body, 'nope.deeper')).toThrow(/no such field/);
  });
});

describe('fresh values', () => {
  const ctx = { now: () => new Date('2026-03-04T05:06:07.890Z'), random: (n: number) => Buffer.alloc(n, 0xab) };

  it('timestamps become now (ISO, seconds) and ids 24 hex characters', () => {
    const body = { timestamp: 'old', id: 'old' };
    const changed = freshen(body, [{ path: 'timestamp', kind: 'timestamp' }, { path: 'id', kind: 'hex24' }], new Set(), ctx);
    expect(body).toEqual({ timestamp: '2026-03-04T05:06:07Z', id: 'ab'.repeat(12) });
    expect(changed).toEqual(['timestamp', 'id']);
  });

  it('unix seconds are a whole number; prefixed ids keep the vendor\'s prefix (OpenAI evt_, rtc_)', () => {
    const body = { created_at: 1, id: 'evt_old', data: { call_id: 'rtc_old' } };
    const changed = freshen(body, [{ path: 'created_at', kind: 'unix-seconds' }, { path: 'id', kind: 'id', prefix: 'evt_' }, { path: 'data.call_id', kind: 'id', prefix: 'rtc_' }], new Set(), ctx);
    expect(body).toEqual({ created_at: 1772600767, id: `evt_${'ab'.repeat(16)}`, data: { call_id: `rtc_${'ab'.repeat(16)}` } });
    expect(changed).toEqual(['created_at', 'id', 'data.call_id']);
  });

  it('pinned paths are left alone', () => {
    const body = { timestamp: 'pinned' };
    expect(freshen(body, [{ path: 'timestamp', kind: 'timestamp' }], new Set(['timestamp']), ctx)).toEqual([]);
    expect(body.timestamp).toBe('pinned');
  });
});

describe('secrets', () => {
  it('--secret wins, then the vendor variables in order, then HOOKSCOPE_SECRET; empty means unset', () => {
    const env = { SMALLEST_WEBHOOK_SECRET: '', ATOMS_WEBHOOK_SECRET: 'atoms', HOOKSCOPE_SECRET: 'generic' };
    expect(secretFor(smallest, parseSecretFlags(['flag']), env)).toEqual({ value: 'flag', source: '--secret' });
    expect(secretFor(smallest, parseSecretFlags([]), env)).toEqual({ value: 'atoms', source: '$ATOMS_WEBHOOK_SECRET' });
    expect(secretFor(relyable, parseSecretFlags([]), env)).toEqual({ value: 'generic', source: '$HOOKSCOPE_SECRET' });
    expect(secretFor(relyable, parseSecretFlags([]), {})).toBeUndefined();
  });

  it('one reading of --secret: vendor=value names a vendor (by id or alias), anything else is a bare value', () => {
    const flags = parseSecretFlags(['relyable=whsec_a=b', 'atoms=sm-1']);
    expect([...flags.byVendor]).toEqual([['relyable', 'whsec_a=b'], ['smallest', 'sm-1']]);
    expect(flags.bare).toBeUndefined();
    // A bare value may hold '=' (base64 padding) and applies to the vendor(s) in play.
    const bare = parseSecretFlags(['c2VjcmV0=']);
    expect(bare.bare).toBe('c2VjcmV0=');
    expect(secretFor(relyable, bare, {})).toEqual({ value: 'c2VjcmV0=', source: '--secret' });
    // A named vendor wins over a bare value for that vendor.
    expect(secretFor(relyable, parseSecretFlags(['all', 'relyable=mine']), {})?.value).toBe('mine');
    expect(secretFor(smallest, parseSecretFlags(['all', 'relyable=mine']), {})?.value).toBe('all');
  });

  it.each<[string[], string | undefined, RegExp]>([
    [['smallest=x'], 'relyable', /--secret names smallest, but this is relyable/],
    [['a', 'b'], undefined, /given twice without a vendor/],
    [['relyable='], undefined, /--secret relyable= is empty/],
    [[''], undefined, /--secret is empty/],
  ])('rejects %j (vendor in play: %s)', (specs, only, message) => {
    expect(() => parseSecretFlags(specs, only ? (only === 'relyable' ? relyable : smallest) : undefined)).toThrow(message);
  });

  it.each(['Q', 'short-secret', 'whsec_0123456789abcdef', 'x'.repeat(200)])('a masked secret never contains the secret (%s)', (secret) => {
    const masked = maskSecret(secret);
    expect(masked).not.toContain(secret);
    expect(masked).toContain(`(${secret.length} char`);
    // Short secrets show no characters at all; long ones only their last four.
    expect(masked.replace(/\*|\(.*\)/g, '').trim().length).toBeLessThanOrEqual(secret.length >= 16 ? 4 : 0);
  });
});

describe('classify', () => {
  const err = (code: string, name = 'Error') => Object.assign(new Error(`boom ${code}`), { code, name });
  it.each([
    [err('ECONNREFUSED'), 'refused', 'connection refused by 127.0.0.1:9'],
    [err('ENOTFOUND'), 'dns', 'DNS lookup failed for 127.0.0.1:9'],
    [err('EAI_AGAIN'), 'dns', 'DNS lookup failed'],
    [err('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls', 'TLS handshake'],
    [err('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls', 'TLS handshake'],
    [err('ECONNRESET'), 'reset', 'connection reset'],
    [err('UND_ERR_SOCKET'), 'reset', 'connection reset'],
    [err('UND_ERR_HEADERS_TIMEOUT'), 'timeout', 'within 500 ms'],
    [err('HPE_INVALID_CONSTANT'), 'bad-response', 'not valid HTTP'],
    [Object.assign(new Error('Response does not match the HTTP/1.1 protocol'), { name: 'HTTPParserError' }), 'bad-response', 'not valid HTTP'],
    [Object.assign(new Error('fetch failed'), { cause: err('ECONNREFUSED') }), 'refused', 'connection refused'],
    [new Error('mystery'), 'other', 'request failed: mystery'],
    ['not even an error', 'other', 'request failed'],
  ])('%s → %s', (error, kind, message) => {
    const got = classify(error, false, 500, 'http://127.0.0.1:9/hooks');
    expect(got.kind).toBe(kind);
    expect(got.message).toContain(message);
  });

  it('our own deadline is a timeout whatever the error says', () => {
    expect(classify(new Error('This operation was aborted'), true, 250, 'http://127.0.0.1:9/').kind).toBe('timeout');
  });
});

describe('curlCommand', () => {
  it('round-trips quotes and newlines through a real shell', () => {
    const body = `{"text":"it's a \\"test\\"\\n$HOME \`x\`"}`;
    const cmd = curlCommand({ method: 'POST', url: "http://127.0.0.1:1/it's", headers: [['x-sig', "a'b"]], body, bytes: body.length });
    // Replace curl with a printer of its arguments, then compare what the shell passed.
    const printed = execFileSync('bash', ['-c', `curl() { printf '%s\\0' "$@"; }; ${cmd}`], { encoding: 'utf8' }).split('\0');
    expect(printed).toContain("http://127.0.0.1:1/it's");
    expect(printed).toContain("x-sig: a'b");
    expect(printed[printed.indexOf('--data-binary') + 1]).toBe(body);
  });
});

describe('send reporter', () => {
  const base: SendResult = {
    vendor: 'relyable',
    event: 'test_run.completed',
    dryRun: false,
    request: { method: 'POST', url: 'http://127.0.0.1:3000/hooks', headers: [['content-type', 'application/json']], body: '{}', bytes: 2 },
    signing: { signed: false, reason: 'no secret: pass --secret' },
    notes: ['fresh per delivery: timestamp'],
    exitCode: 0,
  };

  it('shows reply headers and bodies with control characters escaped', () => {
    const out = renderSend(
      {
        ...base,
        response: { status: 200, headers: { 'x-evil': 'a\x1b]0;title\x07' }, body: 'hi\x1b[31m', totalBytes: 8, truncated: false, latencyMs: 3 },
        verdict: { accepted: true, rule: 'exactly 200', provenance: 'documented', reason: 'relyable counts 200 as delivered' },
      },
      makeChalk(false),
    );
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(out).toContain('x-evil: a\\x1b]0;title\\x07');
    expect(out).toContain('hi\\x1b[31m');
    expect(out).toContain('← 200 OK  3 ms');
  });

  it('says when an unaccepted status was judged by an assumed rule', () => {
    const out = renderSend(
      {
        ...base,
        vendor: 'synthflow',
        exitCode: 1,
        response: { status: 204, headers: {}, body: '', totalBytes: 0, truncated: false, latencyMs: 1 },
        verdict: { accepted: false, rule: 'any 2xx', provenance: 'assumed', reason: 'x' },
        failure: { kind: 'rejected', message: 'synthflow counts 204 as a failed delivery' },
      },
      makeChalk(false),
    );
    expect(out).toContain('✗ rejected: synthflow counts 204 as a failed delivery');
    expect(out).toContain('"any 2xx" is an assumption');
  });

  it('notes go to their own channel; JSON carries ok and everything else', () => {
    expect(sendNotes(base)).toBe('hookscope: note: no secret: pass --secret; sent unsigned\nhookscope: note: fresh per delivery: timestamp\n');
    expect(sendNotes({ ...base, dryRun: true })).toContain('no secret: pass --secret; the request above is unsigned');
    const json = JSON.parse(renderSendJson({ ...base, exitCode: 1 })) as Record<string, unknown>;
    expect(json.ok).toBe(false);
    expect(json.notes).toEqual(['fresh per delivery: timestamp']);
    expect(json.request).toMatchObject({ headers: { 'content-type': 'application/json' } });
  });
});
