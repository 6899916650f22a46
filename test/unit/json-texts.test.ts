// Cutting an input into JSON texts: one document or NDJSON, decided by content; lines checked as
// they come, whatever the chunk boundaries; limits reported, never held.
import { describe, expect, it } from 'vitest';
import { JsonTextSplitter, splitText } from '../../src/files/json-texts.js';
import type { InputUnit } from '../../src/files/inputs.js';

/** Feed `input` in chunks of `size` bytes (every boundary, with size 1). */
function split(input: string | Buffer, size = 1 << 20, limit?: number): InputUnit[] {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const splitter = new JsonTextSplitter('in', limit);
  const out: InputUnit[] = [];
  for (let i = 0; i < bytes.length && !splitter.finished; i += size) out.push(...splitter.push(bytes.subarray(i, i + size)));
  out.push(...splitter.end());
  return out;
}

const brief = (units: InputUnit[]) => units.map((u) => (u.kind === 'text' ? `${u.line ?? 'doc'}:${u.text}` : `${u.kind}${u.kind !== 'skipped' && u.line ? `@${u.line}` : ''}`));

const pretty = JSON.stringify({ event: 'x', data: { a: [1, 2] } }, null, 2);

describe('one document or NDJSON, by content', () => {
  it.each<[string, string, string[]]>([
    ['a pretty-printed document', `${pretty}\n`, [`doc:${pretty}\n`]],
    ['one compact document', '{"a":1}\n', ['doc:{"a":1}\n']],
    ['one compact document, no newline', '{"a":1}', ['doc:{"a":1}']],
    ['an empty input', '', ['doc:']],
    ['blank lines only', '\n \n', ['doc:\n \n']],
    ['two lines, each a value', '{"a":1}\n{"b":2}\n', ['1:{"a":1}', '2:{"b":2}']],
    ['blank lines are passed over, and keep their numbers', '\n{"a":1}\r\n\n  \n[1]', ['2:{"a":1}', '5:[1]']],
    ['a broken first line, then records', '{"a":\n{"b":2}\n{"c":3}\n', ['1:{"a":', '2:{"b":2}', '3:{"c":3}']],
    ['scalars on lines', '1\n"x"\nnull\n', ['1:1', '2:"x"', '3:null']],
    ['a document whose second line is a scalar stays a document', '[\n1\n]\n', ['doc:[\n1\n]\n']],
    ['a BOM before the first line', '\uFEFF{"a":1}\n{"b":2}\n', ['1:{"a":1}', '2:{"b":2}']],
  ])('%s', (_, input, expected) => {
    expect(brief(split(input))).toEqual(expected);
    // The same at every chunk boundary…
    expect(brief(split(input, 1))).toEqual(expected);
    // …and the same from a string read whole (small files).
    expect(brief(splitText('in', input))).toEqual(expected);
  });
});

describe('lines', () => {
  it('a line that spans many chunks is whole; a CR before the newline is dropped', () => {
    const long = JSON.stringify({ text: 'é'.repeat(5000) });
    expect(brief(split(`${long}\r\n{"b":2}\n`, 7))).toEqual([`1:${long}`, '2:{"b":2}']);
  });

  it('a NUL in one line makes that line binary; bytes that are not UTF-8 too; the other lines stand', () => {
    const input = Buffer.concat([Buffer.from('{"a":1}\n{"b":"\0"}\n'), Buffer.from([0x7b, 0xff, 0x7d, 0x0a]), Buffer.from('{"c":"\uFFFD"}\n')]);
    const units = split(input, 3);
    expect(units.map((u) => [u.kind, u.kind === 'not-text' ? u.code : '', u.kind !== 'skipped' ? u.line : 0])).toEqual([
      ['text', '', 1],
      ['not-text', 'binary', 2],
      ['not-text', 'not-utf8', 3],
      ['text', '', 4],
    ]);
  });

  it('a line over the limit is reported with its size and line, and not held', () => {
    const units = split(`{"a":1}\n{"big":"${'x'.repeat(200)}"}\n{"c":3}\n{"d":"${'y'.repeat(300)}"}`, 16, 100);
    expect(brief(units)).toEqual(['1:{"a":1}', 'unreadable@2', '3:{"c":3}', 'unreadable@4']);
    expect(units[1]).toMatchObject({ message: expect.stringMatching(/^line of 210 bytes is over the 100-byte limit for one JSON text; not checked$/) });
  });
});

describe('a document', () => {
  it('is held whole up to the limit; above it, an error that gives the limit and suggests NDJSON, and reading stops', () => {
    const splitter = new JsonTextSplitter('big.json', 1000);
    const piece = Buffer.from(`{"a":"${'x'.repeat(600)}`);
    expect(splitter.push(piece)).toEqual([]);
    const units = splitter.push(piece);
    expect(units).toEqual([{ kind: 'unreadable', source: 'big.json', message: expect.stringContaining('limit for one JSON document') }]);
    expect((units[0] as { message: string }).message).toContain('NDJSON: one JSON value per line');
    expect(splitter.finished).toBe(true);
    expect(splitter.push(piece)).toEqual([]);
    expect(splitter.end()).toEqual([]);
  });

  it('binary data is reported as binary, not as too large', () => {
    const splitter = new JsonTextSplitter('blob', 100);
    expect(splitter.push(Buffer.alloc(150, 0x41).fill(0, 90, 91))).toEqual([{ kind: 'not-text', source: 'blob', code: 'binary', message: 'binary data, not JSON (NUL byte at offset 90)' }]);
  });
});

describe('a single line', () => {
  it('is one document, unless the name says NDJSON (*.ndjson, *.jsonl): then it is line 1', () => {
    const splitter = new JsonTextSplitter('one.ndjson', undefined, true);
    expect(brief([...splitter.push(Buffer.from('{"a":1}\n')), ...splitter.end()])).toEqual(['1:{"a":1}']);
    expect(brief(splitText('one.ndjson', '{"a":1}', true))).toEqual(['1:{"a":1}']);
    // A pretty-printed document stays one, whatever its name.
    expect(brief(splitText('doc.ndjson', `${pretty}\n`, true))).toEqual([`doc:${pretty}\n`]);
  });
});
