import { describe, expect, it } from 'vitest';
import { linkSegments } from '../../src/json/display.js';
import { positionAt, scanJson, type DuplicateKey, type Position, type ScanResult } from '../../src/json/scan.js';
import { formatPath, type PathSegment } from '../../src/json/values.js';

const pos = (line: number, column: number, offset: number): Position => ({ line, column, offset });

/** Duplicates with their paths as segments (the scanner links them, to share prefixes). */
const withPaths = (result: ScanResult) => result.duplicates.map(({ at, ...rest }: DuplicateKey) => ({ path: linkSegments(at), ...rest }));

/** Where each requested path's value starts, or undefined when the scan did not find it. */
function positionOf(text: string, path: PathSegment[]): Position | undefined {
  const result = scanJson(text, { paths: [path] });
  expect(result.error).toBeUndefined();
  return result.positions.get(formatPath(path));
}

/** An independent line/column reference: split on the three line-break forms. */
function naivePosition(text: string, offset: number): Position {
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  const breaks = /\r\n|\r|\n/g;
  let line = 1;
  let lineStart = bom;
  for (let m = breaks.exec(text); m !== null; m = breaks.exec(text)) {
    if (m.index + m[0].length > offset) break;
    line++;
    lineStart = m.index + m[0].length;
  }
  return { line, column: Math.max(1, offset - lineStart + 1), offset };
}

// The same document with three line-ending styles. Line 2 has escapes in a string, line 4 has
// surrogate pairs before later values (columns count UTF-16 code units).
const LINES = [
  '{',
  '  "name": "a\\"b\\u00e9",',
  '  "list": [10, {"deep": [true, null]}],',
  '  "emoji": "😀😀", "after": 1',
  '}',
];
const LF = LINES.join('\n');
const CRLF = LINES.join('\r\n');
const CR = LINES.join('\r');
const BOM_LF = `\uFEFF${LF}`;

describe('scanJson positions', () => {
  // [path, LF/CR position, CRLF offset]
  const expected: [PathSegment[], Position, number][] = [
    [[], pos(1, 1, 0), 0],
    [['name'], pos(2, 11, 12), 13],
    [['list'], pos(3, 11, 36), 38],
    [['list', 0], pos(3, 12, 37), 39],
    [['list', 1], pos(3, 16, 41), 43],
    [['list', 1, 'deep'], pos(3, 25, 50), 52],
    [['list', 1, 'deep', 0], pos(3, 26, 51), 53],
    [['list', 1, 'deep', 1], pos(3, 32, 57), 59],
    [['emoji'], pos(4, 12, 77), 80],
    [['after'], pos(4, 29, 94), 97],
  ];

  it.each(expected)('LF: %j', (path, p) => {
    expect(positionOf(LF, path)).toEqual(p);
  });

  it.each(expected)('CR: %j', (path, p) => {
    expect(positionOf(CR, path)).toEqual(p);
  });

  it.each(expected)('CRLF: %j', (path, p, crlfOffset) => {
    expect(positionOf(CRLF, path)).toEqual(pos(p.line, p.column, crlfOffset));
  });

  it.each(expected)('BOM: %j (offsets count the BOM, line-1 columns do not)', (path, p) => {
    expect(positionOf(BOM_LF, path)).toEqual(pos(p.line, p.column, p.offset + 1));
  });

  it('reports all requested paths in one pass and omits the missing ones', () => {
    const paths: PathSegment[][] = [
      ['name'],
      ['after'],
      ['nope'],
      ['list', 5],
      ['list', '0'], // a string segment never indexes an array
      ['list', 1, 'deep', 0, 'x'], // below a scalar
      ['name', 0],
    ];
    const result = scanJson(LF, { paths: new Set(paths) });
    expect(result.error).toBeUndefined();
    expect([...result.positions.entries()]).toEqual([
      ['$.name', pos(2, 11, 12)],
      ['$.after', pos(4, 29, 94)],
    ]);
    expect(result.maxDepth).toBe(4);
  });

  it('keys the same positions by the requested arrays themselves', () => {
    const after: PathSegment[] = ['after'];
    const again: PathSegment[] = ['after'];
    const result = scanJson(LF, { paths: [after, again, ['nope']] });
    expect(result.byPath.get(after)).toEqual(pos(4, 29, 94));
    expect(result.byPath.get(again)).toEqual(pos(4, 29, 94));
    expect(result.byPath.size).toBe(2);
  });

  it('reports nothing when no paths are requested', () => {
    expect(scanJson(LF).positions.size).toBe(0);
  });

  it.each<[string, string, PathSegment[], Position | undefined]>([
    ['BOM on a single line', '\uFEFF{"a": 1}', ['a'], pos(1, 7, 7)],
    ['no BOM', '{"a": 1}', ['a'], pos(1, 7, 6)],
    ['scalar root with whitespace', '  42  ', [], pos(1, 3, 2)],
    ['escaped key matches unescaped path', '{"a\\u0062":1}', ['ab'], pos(1, 12, 11)],
    ['key with a dot', '{"a.b":{"c":2}}', ['a.b', 'c'], pos(1, 13, 12)],
    ['repeated key: the last wins, like JSON.parse', '{"a":1,"a":2}', ['a'], pos(1, 12, 11)],
    ['numeric-looking key is not an index', '{"0":1}', [0], undefined],
    ['numeric-looking key by string', '{"0":1}', ['0'], pos(1, 6, 5)],
    ['index into an object is nothing', '[{"a":1}]', [0, 0], undefined],
    ['empty key', '{"":[7]}', ['', 0], pos(1, 6, 5)],
    ['after a surrogate pair in a key', '{"😀":1,"b":2}', ['b'], pos(1, 13, 12)],
    ['after a tab and CRLF', '[\r\n\t1,\r\n\t"x"]', [1], pos(3, 2, 9)],
  ])('%s', (_name, text, path, expectedPosition) => {
    expect(positionOf(text, path)).toEqual(expectedPosition);
  });

  it('agrees with positionAt and an independent reference for every position it reports', () => {
    const paths = expected.map(([p]) => p);
    for (const text of [LF, CR, CRLF, BOM_LF]) {
      const result = scanJson(text, { paths });
      expect(result.positions.size).toBe(paths.length);
      for (const p of result.positions.values()) {
        expect(positionAt(text, p.offset)).toEqual(p);
        expect(naivePosition(text, p.offset)).toEqual(p);
      }
    }
  });
});

describe('scanJson syntax errors', () => {
  // [text, message, line, column, offset]
  const cases: [string, string, number, number, number][] = [
    ['', 'empty input (no JSON value)', 1, 1, 0],
    [' \n\t ', 'empty input (no JSON value)', 1, 1, 0],
    ['\uFEFF', 'empty input (no JSON value)', 1, 1, 1],
    ['{"a":}', "unexpected character '}' (expected a value)", 1, 6, 5],
    ['{"a":1', "unexpected end of input (expected ',' or '}')", 1, 7, 6],
    ['[1', "unexpected end of input (expected ',' or ']')", 1, 3, 2],
    ['[', "unexpected end of input (expected a value or ']')", 1, 2, 1],
    ['{', "unexpected end of input (expected a string key or '}')", 1, 2, 1],
    ['{"a":1,', 'unexpected end of input (expected a string key)', 1, 8, 7],
    ['{"a"', "unexpected end of input (expected ':')", 1, 5, 4],
    ['{"a" 1}', "unexpected character '1' (expected ':')", 1, 6, 5],
    ['[1}', "unexpected character '}' (expected ',' or ']')", 1, 3, 2],
    ['{"a":1]', "unexpected character ']' (expected ',' or '}')", 1, 7, 6],
    ['[1,,2]', "unexpected character ',' (expected a value)", 1, 4, 3],
    ['{"a": "abc}', 'unterminated string', 1, 7, 6],
    ['"abc\\', 'unterminated string', 1, 1, 0],
    ['"\\u12', 'unterminated string', 1, 1, 0],
    ['{\n  "a": 1,\n}', 'trailing comma', 2, 9, 10],
    ['[1,\r\n2,\r\n]', 'trailing comma', 2, 2, 6],
    ['{"a":1}x', 'unexpected content after the JSON value', 1, 8, 7],
    ['{"a":1} {"b":2}', 'unexpected content after the JSON value', 1, 9, 8],
    ['1 2', 'unexpected content after the JSON value', 1, 3, 2],
    ['"\\q"', 'invalid escape \\q', 1, 2, 1],
    ['{"k":"a\\u00zz"}', 'invalid unicode escape \\u00z (expected 4 hex digits)', 1, 8, 7],
    ['"a\nb"', 'control character U+000A in string', 1, 3, 2],
    ['"a\tb"', 'control character U+0009 in string', 1, 3, 2],
    ['{"a\u0001":1}', 'control character U+0001 in string', 1, 4, 3],
    ['01', 'leading zeros are not allowed', 1, 1, 0],
    ['[-012]', 'leading zeros are not allowed', 1, 2, 1],
    ['[1.]', "invalid number: expected a digit after '.'", 1, 4, 3],
    ['1e+', 'unexpected end of input (expected a digit in the exponent)', 1, 4, 3],
    ['[1eX]', 'invalid number: expected a digit in the exponent', 1, 4, 3],
    ['[-]', "invalid number: expected a digit after '-'", 1, 3, 2],
    ['[+1]', "invalid number: a leading '+' is not allowed", 1, 2, 1],
    ['[.5]', "invalid number: a leading '.' is not allowed", 1, 2, 1],
    ["{'a': 1}", 'single quotes are not JSON (use double quotes)', 1, 2, 1],
    ["['a']", 'single quotes are not JSON (use double quotes)', 1, 2, 1],
    ['{"a": 1 // note\n}', 'comments are not JSON', 1, 9, 8],
    ['/* c */ {}', 'comments are not JSON', 1, 1, 0],
    ['[NaN]', 'NaN is not JSON', 1, 2, 1],
    ['{"a": Infinity}', 'Infinity is not JSON', 1, 7, 6],
    ['[-Infinity]', '-Infinity is not JSON', 1, 2, 1],
    ['{"a": undefined}', 'undefined is not JSON', 1, 7, 6],
    ['[True]', 'True is not JSON (use true)', 1, 2, 1],
    ['[None]', 'None is not JSON (use null)', 1, 2, 1],
    ['[tru]', "unexpected 'tru' (expected a value; strings must be in double quotes)", 1, 2, 1],
    ['[truex]', "unexpected 'truex' (expected a value; strings must be in double quotes)", 1, 2, 1],
    ['{a: 1}', 'property names must be double-quoted strings (found a)', 1, 2, 1],
    ['[\u00a01]', 'unexpected whitespace character U+00A0 (JSON whitespace is only space, tab, LF and CR)', 1, 2, 1],
    ['[1,\uFEFF2]', 'unexpected byte order mark U+FEFF (only allowed at the very start)', 1, 4, 3],
    ['{\u201ca\u201d: 1}', "curly quote '\u201c' (U+201C) is not JSON (use straight double quotes)", 1, 2, 1],
    ['[😀]', "unexpected character '😀' (U+1F600) (expected a value or ']')", 1, 2, 1],
    ['["😀", x]', "unexpected 'x' (expected a value; strings must be in double quotes)", 1, 8, 7],
    ['\uFEFF{"a" 1}', "unexpected character '1' (expected ':')", 1, 6, 6],
    ['[1,\r2\r, x]', "unexpected 'x' (expected a value; strings must be in double quotes)", 3, 3, 8],
  ];

  it.each(cases)('%j -> %s at %i:%i', (text, message, line, column, offset) => {
    const result = scanJson(text);
    expect(result.error).toEqual({ message, position: pos(line, column, offset) });
    expect(positionAt(text, offset)).toEqual(pos(line, column, offset));
    expect(() => JSON.parse(text)).toThrow();
  });

  // Long runs of plain characters are skipped by a regex: what ends them must still be found.
  it.each<[string, string, number]>([
    [`["${'x'.repeat(200)}\u0001"]`, 'control character U+0001 in string', 202],
    [`["${'x'.repeat(200)}\\q"]`, 'invalid escape \\q', 202],
    [`["${'x'.repeat(200)}`, 'unterminated string', 1],
    [`["${'x'.repeat(200)}\\"]`, 'unterminated string', 1],
    [`["${'x'.repeat(100)}\\n${'y'.repeat(100)}\u001f"]`, 'control character U+001F in string', 204],
  ])('a long string: %#', (text, message, offset) => {
    expect(scanJson(text).error).toEqual({ message, position: pos(1, offset + 1, offset) });
    expect(() => JSON.parse(text)).toThrow();
  });

  it('a long string with escapes ends where JSON.parse says', () => {
    // In the JSON text: \" then \\ then \u00e9, among long plain runs.
    const value = `${'a'.repeat(300)}\\"${'b'.repeat(70)}\\\\\\u00e9${'c'.repeat(500)}`;
    const text = `{"k":"${value}","after":1}`;
    expect(JSON.parse(text).after).toBe(1);
    expect(scanJson(text, { paths: [['after']] }).positions.get('$.after')).toEqual(pos(1, text.length - 1, text.length - 2));
  });

  it('stops at the first error (nothing after it is reported)', () => {
    const result = scanJson('{"a":1,"a":2, x, "a":3, "b": 1}', { paths: [['b']] });
    expect(result.error?.message).toBe('property names must be double-quoted strings (found x)');
    expect(result.duplicates).toHaveLength(1);
    expect(result.positions.size).toBe(0);
  });

  it('agrees with JSON.parse on what is valid', () => {
    const texts = [
      '0', '-0', '-0.0e-0', '1E+2', '1e5', '123.456', '"\\/\\b\\f\\n\\r\\t\\"\\\\"', '"\\uD83D\\uDE00"', '"\\ud800"',
      '"\u2028\u2029\u007f"', 'true', 'false', 'null', '[]', '{}', ' [ ] ', '[[],{}]', '{"":""}', '\uFEFF[1]',
      '00', '1.e1', '.1', '1e', '-', '--1', '[1,]', '{"a":1,}', 'tru', 'nul', 'nulll', '[1]]', '{}}', '"', '"\\x"',
      '"\\u00"', '\u00a0', '\uFEFF\uFEFF1', '\t\r\n1\r\n', '[1\u000b]', '1 /* c */', 'True', '{"a" : 1 , "b" : [ 2 ] }',
    ];
    for (const text of texts) {
      let parseFails = false;
      try {
        JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
      } catch {
        parseFails = true;
      }
      expect({ text, invalid: scanJson(text).error !== undefined }).toEqual({ text, invalid: parseFails });
    }
  });
});

describe('scanJson duplicate keys', () => {
  it.each<[string, string, { path: PathSegment[]; key: string; first: Position; second: Position }[]]>([
    [
      'simple',
      '{"a":1,"b":2,"a":3}',
      [{ path: [], key: 'a', first: pos(1, 2, 1), second: pos(1, 14, 13) }],
    ],
    [
      'escaped-equal keys',
      '{"a":1,"\\u0061":2}',
      [{ path: [], key: 'a', first: pos(1, 2, 1), second: pos(1, 8, 7) }],
    ],
    [
      'each later occurrence, always against the first',
      '{"a":1,"a":2,"a":3}',
      [
        { path: [], key: 'a', first: pos(1, 2, 1), second: pos(1, 8, 7) },
        { path: [], key: 'a', first: pos(1, 2, 1), second: pos(1, 14, 13) },
      ],
    ],
    [
      'nested objects',
      '{"x":{"y":{"k":1,"k":2}}}',
      [{ path: ['x', 'y'], key: 'k', first: pos(1, 12, 11), second: pos(1, 18, 17) }],
    ],
    [
      'keys in arrays of objects',
      '[\n  {"id": 1, "id": 2},\n  {"id": 3},\n  {"ok": 1, "ok": 2}\n]',
      [
        { path: [0], key: 'id', first: pos(2, 4, 5), second: pos(2, 13, 14) },
        { path: [2], key: 'ok', first: pos(4, 4, 40), second: pos(4, 13, 49) },
      ],
    ],
    [
      'after a closed child object (first is still the parent key)',
      '{"a":{"b":1,"c":2},"d":3,"a":4}',
      [{ path: [], key: 'a', first: pos(1, 2, 1), second: pos(1, 26, 25) }],
    ],
    [
      'a key slot reused after a child object closed',
      '{"p":{"q":1,"r":2},"s":1,"t":2,"s":3}',
      [{ path: [], key: 's', first: pos(1, 20, 19), second: pos(1, 32, 31) }],
    ],
    [
      'before and after an object grows past the few keys it looks through (first is always the first)',
      '{"a":1,"b":1,"a":2,"c":1,"d":1,"e":1,"f":1,"g":1,"h":1,"b":2,"a":3,"i":1}',
      [
        { path: [], key: 'a', first: pos(1, 2, 1), second: pos(1, 14, 13) },
        { path: [], key: 'b', first: pos(1, 8, 7), second: pos(1, 56, 55) },
        { path: [], key: 'a', first: pos(1, 2, 1), second: pos(1, 62, 61) },
      ],
    ],
    ['siblings are separate objects', '[{"a":1},{"a":2}]', []],
    ['same key at different depths', '{"a":{"a":{"a":1}}}', []],
    ['a child key equal to a later parent key', '{"a":{"b":1},"b":2}', []],
    ['case matters', '{"a":1,"A":2}', []],
    [
      'path with an escaped key and an index',
      '{"a.b":[0,{"z":1,"z":2}]}',
      [{ path: ['a.b', 1], key: 'z', first: pos(1, 12, 11), second: pos(1, 18, 17) }],
    ],
    [
      'CRLF lines',
      '{\r\n"a": 1,\r\n"a": 2\r\n}',
      [{ path: [], key: 'a', first: pos(2, 1, 3), second: pos(3, 1, 12) }],
    ],
  ])('%s', (_name, text, duplicates) => {
    const result = scanJson(text);
    expect(result.error).toBeUndefined();
    expect(withPaths(result)).toEqual(duplicates);
    expect(result.duplicateCount).toBe(duplicates.length);
  });
});

describe('scanJson deep and large inputs', () => {
  const N = 10_000;

  it('handles 10,000 nested arrays without recursion', () => {
    const text = '['.repeat(N) + ']'.repeat(N);
    const deepPath: PathSegment[] = Array.from({ length: N - 1 }, () => 0);
    const result = scanJson(text, { paths: [deepPath, [0, 0]] });
    expect(result.error).toBeUndefined();
    expect(result.maxDepth).toBe(N);
    expect(result.positions.get(formatPath(deepPath))).toEqual(pos(1, N, N - 1));
    expect(result.positions.get('$[0][0]')).toEqual(pos(1, 3, 2));
  });

  it('handles 10,000 nested objects, with a duplicate key at the bottom', () => {
    const text = '{"a":'.repeat(N) + '{"k":1,"k":2}' + '}'.repeat(N);
    const deepPath: PathSegment[] = Array.from({ length: N }, () => 'a');
    const result = scanJson(text, { paths: [deepPath, [...deepPath, 'k']] });
    expect(result.error).toBeUndefined();
    expect(result.maxDepth).toBe(N + 1);
    expect(result.positions.get(formatPath(deepPath))).toEqual(pos(1, 5 * N + 1, 5 * N));
    expect(result.positions.get(formatPath([...deepPath, 'k']))).toEqual(pos(1, 5 * N + 12, 5 * N + 11));
    expect(result.duplicates).toHaveLength(1);
    expect(withPaths(result)[0]!.path).toEqual(deepPath);
    expect(result.duplicates[0]!.second).toEqual(pos(1, 5 * N + 8, 5 * N + 7));
  });

  it('reports unterminated deep nesting at the end', () => {
    const text = '['.repeat(100_000);
    const result = scanJson(text);
    expect(result.maxDepth).toBe(100_000);
    expect(result.error).toEqual({
      message: "unexpected end of input (expected a value or ']')",
      position: pos(1, 100_001, 100_000),
    });
  });

  it('scans a ~20 MB document', () => {
    const item = '{"id":12345,"name":"abc\\u00e9 😀","tags":[1,2.5e3,-0.5E-2,true,false,null],"nested":{"x":"y"}}';
    const count = Math.ceil(20_000_000 / (item.length + 2));
    const text = '[\n' + `${item},\n`.repeat(count - 1) + item + '\n]';
    expect(text.length).toBeGreaterThan(20_000_000);
    const last = count - 1;
    const result = scanJson(text, { paths: [[last, 'name'], [last, 'tags', 5], [count]] });
    expect(result.error).toBeUndefined();
    expect(result.duplicates).toEqual([]);
    expect(result.maxDepth).toBe(3);
    const lastStart = 2 + last * (item.length + 2);
    const nameCol = item.indexOf('"abc') + 1;
    expect(result.positions.get(`$[${last}].name`)).toEqual(pos(last + 2, nameCol, lastStart + nameCol - 1));
    const nullCol = item.indexOf('null') + 1;
    expect(result.positions.get(`$[${last}].tags[5]`)).toEqual(pos(last + 2, nullCol, lastStart + nullCol - 1));
    expect(result.positions.has(`$[${count}]`)).toBe(false);
  });
});

describe('positionAt', () => {
  const text = 'ab\ncd\r\nef\rgh';
  it.each<[number, Position]>([
    [0, pos(1, 1, 0)],
    [2, pos(1, 3, 2)], // the \n itself ends line 1
    [3, pos(2, 1, 3)],
    [5, pos(2, 3, 5)], // the \r of \r\n
    [6, pos(2, 4, 6)], // the \n of \r\n is still line 2
    [7, pos(3, 1, 7)],
    [9, pos(3, 3, 9)], // a lone \r
    [10, pos(4, 1, 10)],
    [12, pos(4, 3, 12)], // the end of the text
    [99, pos(4, 3, 12)], // clamped
    [-5, pos(1, 1, 0)], // clamped
  ])('offset %i', (offset, expected) => {
    expect(positionAt(text, offset)).toEqual(expected);
  });

  it('does not count a BOM in line-1 columns', () => {
    expect(positionAt('\uFEFFab\nc', 0)).toEqual(pos(1, 1, 0));
    expect(positionAt('\uFEFFab\nc', 1)).toEqual(pos(1, 1, 1));
    expect(positionAt('\uFEFFab\nc', 2)).toEqual(pos(1, 2, 2));
    expect(positionAt('\uFEFFab\nc', 4)).toEqual(pos(2, 1, 4));
  });

  it('matches an independent reference at every offset', () => {
    const sample = '\uFEFF{\r\n "a": [1,\r\r\n2],\n\n\t"😀": "x"\r}\n';
    for (let offset = 0; offset <= sample.length; offset++) {
      expect(positionAt(sample, offset)).toEqual(naivePosition(sample, offset));
    }
  });
});

// Issue #13: a body that repeats a key at every level (`{"a":{"a":…,"a":1},"a":1}`) made the
// scanner copy the whole path for each duplicate: 120 KB took 18 s and 3.3 GB.
describe('scanJson on hostile inputs: linear, whatever the shape', () => {
  /** `{"a":` × n, 1, `,"a":1}` × n: the duplicate at depth d (1-based) sits under d-1 "a"s. */
  const everyLevel = (n: number) => `${'{"a":'.repeat(n)}1${',"a":1}'.repeat(n)}`;

  it('reports a key repeated at every level of 100,000, sharing path prefixes', () => {
    const n = 100_000;
    const text = everyLevel(n);
    const result = scanJson(text);
    expect(result.error).toBeUndefined();
    expect(result.duplicateCount).toBe(n);
    expect(result.duplicates).toHaveLength(n);
    // The deepest object closes first: its duplicate comes first, under n-1 "a"s.
    const first = result.duplicates[0]!;
    expect(first.key).toBe('a');
    expect(first.at?.depth).toBe(n - 1);
    expect(first.first).toEqual(pos(1, 5 * (n - 1) + 2, 5 * (n - 1) + 1));
    expect(first.second).toEqual(pos(1, 5 * n + 3, 5 * n + 2));
    // Each next duplicate is one level up, and its path is a prefix of the one before: shared.
    const second = result.duplicates[1]!;
    expect(second.at?.depth).toBe(n - 2);
    expect(first.at?.parent).toBe(second.at);
    expect(result.duplicates[n - 1]!.at).toBeNull();
    expect(result.duplicates[n - 1]!.second).toEqual(pos(1, text.length - 5, text.length - 6));
    for (const d of [first, second, result.duplicates[n - 1]!]) {
      expect(text.slice(d.second.offset, d.second.offset + 3)).toBe('"a"');
      expect(positionAt(text, d.first.offset)).toEqual(d.first);
    }
  });

  it('keeps only maxDuplicates and counts the rest', () => {
    const text = `{"k":0${',"k":1'.repeat(50_000)}}`;
    const result = scanJson(text, { maxDuplicates: 3 });
    expect(result.duplicateCount).toBe(50_000);
    expect(withPaths(result)).toEqual([
      { path: [], key: 'k', first: pos(1, 2, 1), second: pos(1, 8, 7) },
      { path: [], key: 'k', first: pos(1, 2, 1), second: pos(1, 14, 13) },
      { path: [], key: 'k', first: pos(1, 2, 1), second: pos(1, 20, 19) },
    ]);
    expect(scanJson(text, { maxDuplicates: 0 }).duplicates).toEqual([]);
  });

  it('gives duplicates under arrays and objects their paths after siblings changed', () => {
    const text = '{"x":[{"a":1},{"b":{"c":1,"c":2}},[{"d":1,"d":2}]],"y":{"e":1,"e":2}}';
    const at = (needle: string, from = 0) => {
      const offset = text.indexOf(needle, from);
      return pos(1, offset + 1, offset);
    };
    expect(withPaths(scanJson(text))).toEqual([
      { path: ['x', 1, 'b'], key: 'c', first: at('"c"'), second: at('"c"', text.indexOf('"c"') + 1) },
      { path: ['x', 2, 0], key: 'd', first: at('"d"'), second: at('"d"', text.indexOf('"d"') + 1) },
      { path: ['y'], key: 'e', first: at('"e"'), second: at('"e"', text.indexOf('"e"') + 1) },
    ]);
  });

  it('costs about ten times as much for ten times the input (the quadratic scan did 100×)', () => {
    // CPU time of the best of three runs, at 200 KB and 2 MB: a generous bound, not a benchmark.
    const best = (text: string) => {
      let min = Infinity;
      for (let i = 0; i < 3; i++) {
        const t0 = process.cpuUsage();
        scanJson(text);
        const t = process.cpuUsage(t0);
        min = Math.min(min, (t.user + t.system) / 1000);
      }
      return min;
    };
    const small = best(everyLevel(200_000 / 12));
    const large = best(everyLevel(2_000_000 / 12));
    expect(large).toBeLessThan(30 * small + 50);
  });
});
