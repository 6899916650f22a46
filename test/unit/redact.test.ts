// --redact: phone numbers, emails and personal free text masked, in linear time.
import { describe, expect, it } from 'vitest';
import { decodeForm } from '../../src/json/body-format.js';
import { compilePatterns, redactBody, redactText } from '../../src/record/redact.js';

describe('redactText', () => {
  it.each([
    ['call +15551234567 now', 'call [redacted phone] now'],
    ['+1 (555) 123-4567.', '[redacted phone].'],
    ['+44 20 7946 0958', '[redacted phone]'],
    ['(555) 123-4567', '[redacted phone]'],
    ['mail jo.doe+tag@example.co.uk!', 'mail [redacted email]!'],
    ['a@b.co and c@d.io', '[redacted email] and [redacted email]'],
  ])('%j → %j', (input, output) => expect(redactText(input)).toBe(output));

  it.each([
    '2026-11-29T21:09:06Z',
    'CALL-1778226705739-7e4c17',
    'score +5.3 (15/20 passed)',
    '+1234567890123456789',
    'user@localhost',
    '@@@',
    'a@',
    'no personal data here',
  ])('leaves %j alone', (input) => expect(redactText(input)).toBe(input));

  it('is linear: adversarial runs of @ and + cost what their length costs', () => {
    for (const input of ['a@'.repeat(500_000), '+'.repeat(1_000_000), `${'a'.repeat(1_000_000)}@`, '(1'.repeat(500_000), `${'x.'.repeat(300_000)}@${'y.'.repeat(300_000)}`]) {
      const out = redactText(input);
      expect(out.length).toBeLessThanOrEqual(input.length * 2);
    }
  });
});

describe('redactBody', () => {
  it('blanks the paths given (with * and [*]) and masks every string; re-serialises compactly', () => {
    const body = JSON.stringify({ data: { transcript: 'Caller: my number is +15551234567' }, turns: [{ text: 'hi' }, { text: 'there' }], meta: { a: 1, b: 'x' }, from: '+15550100001', note: 'ok' }, null, 2);
    const out = JSON.parse(redactBody(body, compilePatterns(['data.transcript', 'turns[*].text', 'meta.*'])));
    expect(out).toEqual({ data: { transcript: '[redacted]' }, turns: [{ text: '[redacted]' }, { text: '[redacted]' }], meta: { a: '[redacted]', b: '[redacted]' }, from: '[redacted phone]', note: 'ok' });
  });

  it('masks text that is not JSON as text; paths that are absent change nothing', () => {
    expect(redactBody('call from +15550100001, x=1', compilePatterns(['a.b']))).toBe('call from [redacted phone], x=1');
    expect(JSON.parse(redactBody('{"a":1}', compilePatterns(['b.c', 'a.d'])))).toEqual({ a: 1 });
  });

  it('a form body is masked over its decoded parameters (a number there is %2B…) and stays a form body', () => {
    const text = 'From=%2B16285550113&FromCity=OAKLAND&CallSid=CA1&Note=mail+jo%40example.com&Plus=+15550100001';
    const out = redactBody(text, compilePatterns(['FromCity']));
    expect(decodeForm(out)).toEqual({ From: '[redacted phone]', FromCity: '[redacted]', CallSid: 'CA1', Note: 'mail [redacted email]', Plus: ' 15550100001' });
    expect(out).not.toContain('16285550113');
  });

  it('handles 10,000 levels of nesting', () => {
    const deep = `${'['.repeat(10_000)}"+15551234567"${']'.repeat(10_000)}`;
    expect(redactBody(deep, [])).toContain('[redacted phone]');
  });
});
