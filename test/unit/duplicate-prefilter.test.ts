// The cheap pre-check that lets clean payloads skip the position scan must never miss a
// duplicate key: whenever the scanner finds one, the pre-check must say "maybe".
import { describe, expect, it } from 'vitest';
import { scanJson } from '../../src/json/scan.js';
import { mayHaveDuplicateKeys } from '../../src/schema/validate.js';
import { allFixtures } from '../helpers/fixtures.js';

const cases: [string, string, boolean][] = [
  ['flat, no duplicates', '{"a":1,"b":"x:y"}', false],
  ['urls and times in values', '{"u":"https://x.test:8080/a","t":"15:38:00"}', false],
  ['spaces before the colon', '{"a" :\n 1, "b"\t: {"c" : 2}}', false],
  ['top-level duplicate', '{"a":1,"a":2}', true],
  ['nested duplicate', '{"a":{"b":1,"b":1}}', true],
  ['duplicate inside an array of objects', '{"a":[{"k":1},{"k":1,"k":2}]}', true],
  ['escaped-equal keys', '{"a":1,"\\u0061":2}', true],
  ['an escaped quote before a colon in a value (inside a string: not a key)', '{"a":"x\\":y"}', false],
  ['JSON in a string (Vapi tool-call arguments)', '{"a":"{\\"d\\":1}"}', false],
  ['a backslash before the escaped quote, escaped itself', '{"a":"x\\\\\\":y"}', false],
  ['a key ending in a backslash, repeated', '{"a\\\\":1,"a\\\\":2}', true],
  ['a value starting with a colon (over-counts: safe)', '{"a":":x"}', true],
  ['a colon inside a key', '{"a:b":1}', false],
  ['no objects at all', '[1,2,"a:b"]', false],
];

describe('mayHaveDuplicateKeys', () => {
  it.each(cases)('%s', (_name, text, expected) => {
    expect(mayHaveDuplicateKeys(text, JSON.parse(text))).toBe(expected);
    // The guarantee: a real duplicate is never waved through.
    if (scanJson(text).duplicates.length > 0) expect(mayHaveDuplicateKeys(text, JSON.parse(text))).toBe(true);
  });

  it('is false for every fixture, pretty or compact, JSON-encoded strings (Vapi tool-call arguments) included', () => {
    const all = allFixtures();
    expect(all.some((f) => f.text.includes('\\":'))).toBe(true);
    for (const f of all) {
      expect(mayHaveDuplicateKeys(f.text, f.body), f.file).toBe(false);
      expect(mayHaveDuplicateKeys(JSON.stringify(f.body), f.body), f.file).toBe(false);
    }
  });

  it('says maybe for a key repeated at every level (issue #13), at any depth', () => {
    const n = 100_000;
    const text = `${'{"a":'.repeat(n)}1${',"a":1}'.repeat(n)}`;
    expect(mayHaveDuplicateKeys(text, JSON.parse(text))).toBe(true);
  });

  it('counts keys in one pass: a million keys, or colons by the million inside strings', () => {
    const wide = `{${Array.from({ length: 1_000_000 }, (_, i) => `"k${i}":0`).join(',')}}`;
    expect(mayHaveDuplicateKeys(wide, JSON.parse(wide))).toBe(false);
    const colons = `{"a":"${'\\":'.repeat(1_000_000)}"}`;
    expect(mayHaveDuplicateKeys(colons, JSON.parse(colons))).toBe(false);
    const backslashes = `{"a":"${'\\\\'.repeat(1_000_000)}\\":"}`;
    expect(mayHaveDuplicateKeys(backslashes, JSON.parse(backslashes))).toBe(false);
    const spaces = `{"a"${' '.repeat(1_000_000)}:1}`;
    expect(mayHaveDuplicateKeys(spaces, JSON.parse(spaces))).toBe(false);
  });

  it('copes with 10,000 levels of nesting', () => {
    const text = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    expect(mayHaveDuplicateKeys(text, JSON.parse(text))).toBe(false);
  });
});
