// Form-encoded bodies in the core: reading them (src/json/body-format.ts), validating a saved form
// body as the object of its parameters (src/schema/validate.ts), issues placed at the parameter,
// and what stays "not JSON". Twilio is the vendor whose events are form bodies.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { send } from '../../src/commands/send.js';
import { decodeForm, encodeBody, formOffsets, readForm } from '../../src/json/body-format.js';
import { inspect } from '../../src/record/inspect.js';
import { DedupeMemory } from '../../src/record/dedupe.js';
import { validateText } from '../../src/schema/validate.js';
import { findEvent, vendors } from '../../src/vendors/index.js';
import { twilio } from '../../src/vendors/twilio.js';
import { allFixtures } from '../helpers/fixtures.js';

const call = allFixtures().find((f) => f.vendor === 'twilio' && f.event === 'incoming-call')!;
const params = call.body as Record<string, string>;
const form = (body: Record<string, string>) => new URLSearchParams(body).toString();
/** The column (1-based) where `name=` starts in a one-line form text. */
const columnOf = (text: string, name: string) => text.indexOf(`${name}=`) + 1;

describe('readForm', () => {
  it('decodes + and %XX, keeps repeated names in order, and tolerates a trailing & and newline', () => {
    expect(readForm('From=%2B14155550142&Say=hello+world&x=1&x=2&x=3&\n')).toEqual({ ok: true, params: { From: '+14155550142', Say: 'hello world', x: ['1', '2', '3'] } });
    expect(decodeForm('\uFEFFa=%C3%A9')).toEqual({ a: 'é' });
  });

  it('a parameter named __proto__ is an own property, as JSON.parse makes it', () => {
    const got = decodeForm('__proto__=x&a=1')!;
    expect(Object.keys(got)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
  });

  it.each([
    ['{"CallSid":"CA1"}'],
    ['[1]'],
    ['<Response/>'],
    ['hello world'],
    ['"a=b"'],
    [''],
    ['   \n'],
    ['=x'],
  ])('%j is not a form body at all', (text) => {
    expect(readForm(text)).toBeUndefined();
  });

  it.each([
    ['a=1&&b=2', 4, 'an empty parameter'],
    ['a=1&b', 4, 'parameter "b" has no "="'],
    ['a=1&=2', 4, 'empty name'],
    ['a=%zz', 2, 'malformed percent-escape "%zz"'],
    ['a=1%2', 3, 'malformed percent-escape "%2"'],
    ['a=%E0%A4', 2, 'not UTF-8'],
    ['a=hello world', 7, 'a raw space'],
    ['a=1\tb=2', 3, 'control character'],
  ])('%j is a broken form body: %s at offset %i', (text, offset, message) => {
    const got = readForm(text);
    expect(got).toMatchObject({ ok: false, offset });
    if (got && !got.ok) expect(got.message).toContain(message);
  });

  it('encodeBody and readForm are inverses over the fixtures', () => {
    for (const f of allFixtures().filter((x) => x.vendor === 'twilio')) expect(decodeForm(encodeBody(f.body, 'form'))).toEqual(f.body);
  });

  it('formOffsets finds the first pair of each name asked for, decoded', () => {
    const text = 'a=1&Caller%20Name=x&b=2&a=3';
    expect(formOffsets(text, new Set(['a', 'Caller Name', 'b', 'zz']))).toEqual(new Map([['a', 0], ['Caller Name', 4], ['b', 20]]));
  });

  it('reads megabytes of pairs in linear time', () => {
    const time = (n: number, unit: string) => {
      const text = unit.repeat(n);
      const started = performance.now();
      const got = readForm(text);
      expect(got?.ok).toBe(true);
      return performance.now() - started;
    };
    for (const [unit, n] of [['a=1&', 100_000], ['CallSid=CA%2B1&', 40_000]] as const) {
      time(10_000, unit); // warm up
      const small = time(n, unit);
      // 4 and 6 MB: one name repeated is a growing list, not a copy of it per pair.
      const large = time(10 * n, unit);
      expect(large).toBeLessThan(30 * small + 250);
    }
    const distinct = Array.from({ length: 200_000 }, (_, i) => `k${i}=v`).join('&');
    expect(Object.keys(decodeForm(distinct)!)).toHaveLength(200_000);
  }, 60_000);

  it("reads 10 MB of pairs (listen's --max-body) where a regex with a repeated group overflowed the stack", () => {
    const got = decodeForm('a=1&'.repeat(2_500_000));
    expect(got?.a).toHaveLength(2_500_000);
  }, 60_000);
});

describe('validateText: a saved form body', () => {
  it('validates as the object of its parameters, like the JSON object of the same parameters', () => {
    const text = form(params);
    const fromForm = validateText(text);
    const fromJson = validateText(call.text);
    expect(fromForm).toMatchObject({ valid: true, vendor: 'twilio', event: 'incoming-call', part: 'request', issues: [] });
    expect(fromForm.body).toEqual(params);
    expect([fromJson.valid, fromJson.vendor, fromJson.event]).toEqual([true, 'twilio', 'incoming-call']);
    expect(fromJson.body).toEqual(fromForm.body);
  });

  it('an issue points at its parameter: path $.Name, line:col where `Name=` starts', () => {
    const text = form({ ...params, CallSid: 'CA123' });
    const result = validateText(text);
    expect(result.valid).toBe(false);
    expect(result.issues).toEqual([expect.objectContaining({ code: 'bad-format', path: '$.CallSid', line: 1, column: columnOf(text, 'CallSid') })]);
    expect(result.issues[0]!.message).toContain('CA and 32 hex digits');
  });

  it('an unknown parameter is a drift warning at its pair; a missing one an error at the body start', () => {
    const { To: _gone, ...rest } = params;
    const text = `\n\n${form({ ...rest, Brand: 'new' })}\n`;
    const result = validateText(text);
    expect(result.valid).toBe(false);
    const missing = result.issues.find((i) => i.code === 'missing-field')!;
    const unknown = result.issues.find((i) => i.code === 'unknown-field')!;
    expect([missing.path, missing.line, missing.column]).toEqual(['$.To', 3, 1]);
    expect([unknown.path, unknown.severity, unknown.line, unknown.column]).toEqual(['$.Brand', 'warning', 3, text.split('\n')[2]!.indexOf('Brand=') + 1]);
  });

  it('a value that is not a string in the JSON form is a wrong type at the parameter', () => {
    const result = validateText(JSON.stringify({ ...params, Direction: 1 }, null, 2));
    expect(result.issues).toEqual([expect.objectContaining({ code: 'wrong-type', path: '$.Direction', line: 6 })]);
  });

  it('a repeated parameter is a list, which the schema refuses at that parameter', () => {
    const text = `${form(params)}&To=%2B15550100000`;
    expect(validateText(text).issues).toEqual([expect.objectContaining({ code: 'wrong-type', path: '$.To', column: columnOf(text, 'To') })]);
  });

  it('a broken form body stays invalid, "not JSON", with what is wrong and where', () => {
    const text = `${form(params)}&Note=50%off`;
    const result = validateText(text);
    expect(result).toMatchObject({ valid: false, issues: [{ code: 'invalid-json', line: 1, column: text.indexOf('%off') + 1 }] });
    expect(result.issues[0]!.message).toBe('neither JSON nor a form body (name=value&…, percent-encoded): a malformed percent-escape "%of": % must be followed by two hex digits');
    expect(result.body).toBeUndefined();
    expect(inspect(Buffer.from(text), { 'content-type': 'application/x-www-form-urlencoded' }, { secrets: new Map(), vendors, dedupe: new DedupeMemory() }).schema.state).toBe('not-json');
  });

  it('free text and broken JSON keep the JSON message', () => {
    expect(validateText('{"CallSid": ').issues[0]!.message).toMatch(/^invalid JSON: /);
    expect(validateText('hello there').issues[0]!.message).toMatch(/^invalid JSON: /);
  });

  it('a request that says it is JSON is not read as a form body', () => {
    const result = validateText(form(params), { headers: { 'content-type': 'application/json' } });
    expect(result.issues[0]).toMatchObject({ code: 'invalid-json' });
    expect(result.issues[0]!.message).toMatch(/^invalid JSON: /);
    expect(validateText(form(params), { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } }).valid).toBe(true);
  });

  it('a form body forced to a JSON event is not JSON, and says why', () => {
    const relyable = vendors.find((v) => v.id === 'relyable')!;
    const result = validateText('event=test_run.failed&data=x', { vendor: relyable, event: findEvent(relyable, 'test_run.failed')! });
    expect(result).toMatchObject({ valid: false, issues: [{ code: 'invalid-json', line: 1, column: 1 }] });
    expect(result.issues[0]!.message).toBe('invalid JSON: this is a form-encoded body (name=value&…), and relyable test_run.failed is sent as JSON');
  });

  it('a form body detected as a JSON event is refused: the vendor never sends it so', () => {
    const smallest = vendors.find((v) => v.id === 'smallest')!;
    const legacy = allFixtures().find((f) => f.vendor === 'smallest' && f.event === 'call.start')!.body as Record<string, unknown>;
    const flat = Object.fromEntries(Object.entries(legacy).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const result = validateText(form(flat), { vendor: smallest });
    expect(result.event).toBe('call.start');
    expect(result.issues).toEqual([expect.objectContaining({ code: 'invalid', severity: 'error', message: 'a form-encoded body, but smallest call.start is sent as JSON', line: 1, column: 1 })]);
  });

  it('a TwiML reply is checked by its contract: good, broken with the parser\'s line:col', () => {
    const event = findEvent(twilio, 'incoming-call')!;
    const options = { vendor: twilio, event, part: 'reply' as const };
    expect(validateText('<?xml version="1.0"?>\n<Response><Say>Hi</Say></Response>', options)).toMatchObject({ valid: true, part: 'reply', issues: [] });
    expect(validateText('<Response>\n  <Say>Hi</Sa>\n</Response>', options)).toMatchObject({ valid: false, issues: [{ code: 'invalid-twiml', line: 2, column: 10 }] });
    expect(validateText('', options)).toMatchObject({ valid: false, issues: [{ code: 'empty' }] });
  });
});

describe('send with form bodies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookscope-form-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const dry = (data: string | undefined, extra: Partial<Parameters<typeof send>[0]> = {}) =>
    send({ vendor: 'twilio', event: 'incoming-call', url: 'https://abc.ngrok.app/voice', dryRun: true, secret: 'tok', env: {}, ...(data === undefined ? {} : { data }), ...extra });

  it('a fixture (a JSON object of parameters) goes out form-encoded, with the form content type', async () => {
    const result = await dry(undefined);
    expect(decodeForm(result.request.body)).toEqual(params);
    expect(result.request.headers).toContainEqual(['content-type', 'application/x-www-form-urlencoded']);
    expect(result.exitCode).toBe(0);
  });

  it('--data takes a saved form body or a JSON file of the parameters; both send the same parameters', async () => {
    const formFile = join(dir, 'call.form');
    const jsonFile = join(dir, 'call.json');
    writeFileSync(formFile, `${form(params)}\n`);
    writeFileSync(jsonFile, call.text);
    const [a, b] = [await dry(formFile), await dry(jsonFile)];
    expect(decodeForm(a.request.body)).toEqual(params);
    expect(a.request.body).toBe(b.request.body);
    expect(a.request.headers).toEqual(b.request.headers);
  });

  it('an invalid --data form file is refused with file:line:col at the parameter', async () => {
    const file = join(dir, 'bad.form');
    const text = form({ ...params, AccountSid: 'ACnope' });
    writeFileSync(file, text);
    const result = await dry(file);
    expect(result.exitCode).toBe(1);
    expect(result.validation).toMatchObject({ valid: false, source: file, issues: [{ path: '$.AccountSid', line: 1, column: columnOf(text, 'AccountSid') }] });
  });

  it('--set gives a form parameter its text: SequenceNumber=3 is "3"', async () => {
    const result = await send({ vendor: 'twilio', event: 'call-status.completed', dryRun: true, env: {}, set: ['SequenceNumber=3', 'CallDuration=60'] });
    expect(result.validation?.valid).toBe(true);
    expect(decodeForm(result.request.body)).toMatchObject({ SequenceNumber: '3', CallDuration: '60' });
  });
});
