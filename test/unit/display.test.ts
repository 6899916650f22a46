// Paths, keys and values in messages stay short whatever the body (issue #13), and ordinary ones
// read exactly as before.
import { describe, expect, it } from 'vitest';
import { clip, displayLinkPath, displayPath, linkPath, linkSegments, nestingDepth, prettyJson, preview, quote, type PathLink } from '../../src/json/display.js';
import { formatPath, type PathSegment } from '../../src/json/values.js';

/** The linked form of a path. */
const linked = (segments: PathSegment[]) => segments.reduce<PathLink | null>((parent, seg) => linkPath(parent, seg), null);

describe('displayPath', () => {
  it.each<[PathSegment[], string]>([
    [[], '$'],
    [['data', 'score'], '$.data.score'],
    [['digital_humans', 0, 'id'], '$.digital_humans[0].id'],
    [['a.b', 'x-y', ''], '$["a.b"].x-y[""]'],
  ])('%j reads as formatPath does: %s', (segments, text) => {
    expect(displayPath(segments)).toBe(text);
    expect(formatPath(segments)).toBe(text);
    expect(displayLinkPath(linked(segments))).toBe(text);
    expect(linkSegments(linked(segments))).toEqual(segments);
  });

  it('keeps the ends of a deep path and says how many levels it left out', () => {
    const deep: PathSegment[] = [...Array.from({ length: 1_000_000 }, () => 'a'), 'k'];
    const text = '$.a.a.a.a.a.a.a.a…(999985 more levels)….a.a.a.a.a.a.a.k';
    expect(displayPath(deep)).toBe(text);
    expect(displayLinkPath(linked(deep.slice(0, -1)), 'k')).toBe(text);
    expect(displayLinkPath(linked(deep))).toBe(text);
  });

  it('cuts a long key', () => {
    const key = 'k'.repeat(1_000_000);
    expect(displayPath(['data', key])).toBe(`$.data["${'k'.repeat(100)}…"]`);
    expect(formatPath(['data', key])).toHaveLength(1_000_000 + 7);
  });

  it('walks only the ends of a linked path: a path of ten million levels is shown at once', () => {
    let link: PathLink | null = null;
    for (let i = 0; i < 10_000_000; i++) link = linkPath(link, i % 2 ? 'a' : 0);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) displayLinkPath(link, 'k');
    // 1000 paths of ten million levels each: walked whole, that would be 10^10 steps.
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(2000);
    expect(displayLinkPath(link, 'k')).toBe('$[0].a[0].a[0].a[0].a…(9999985 more levels)….a[0].a[0].a[0].a.k');
  });
});

describe('quote and clip', () => {
  it('quote is JSON.stringify up to a length, then cut', () => {
    expect(quote('a"b')).toBe('"a\\"b"');
    expect(quote('x'.repeat(150))).toBe(`"${'x'.repeat(100)}…"`);
  });
  it('clip leaves short messages alone and says how long a long one was', () => {
    expect(clip('short')).toBe('short');
    expect(clip('m'.repeat(5000))).toBe(`${'m'.repeat(1000)}… (5000 characters in all)`);
  });
});

describe('preview', () => {
  it.each<[unknown, string]>([
    ['x', '"x"'],
    [1.5, '1.5'],
    [null, 'null'],
    [true, 'true'],
    [undefined, 'undefined'],
    [NaN, 'null'],
    [[1, 'a', null, undefined], '[1,"a",null,null]'],
    [{ a: 1, b: [true, {}], c: undefined, d: 'x' }, '{"a":1,"b":[true,{}],"d":"x"}'],
    [{ '1': 'one', z: 'zed', '0': 'zero' }, '{"0":"zero","1":"one","z":"zed"}'],
    [{}, '{}'],
    [[], '[]'],
    [new Date(0), '"1970-01-01T00:00:00.000Z"'],
  ])('%j reads as JSON.stringify does', (value, text) => {
    expect(preview(value)).toBe(text);
  });

  it('is cut at `max` characters, as before', () => {
    expect(preview({ list: Array.from({ length: 50 }, (_, i) => i) }, 20)).toBe('{"list":[0,1,2,3,4,…');
    expect(preview('abcdefghij', 5)).toBe('"abc…');
  });

  it('builds only what it shows: a 50 MB string, a million levels', () => {
    const big = 'x'.repeat(50_000_000);
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 100; i++) {
      expect(preview(big, 40)).toBe(`"${'x'.repeat(38)}…`);
      expect(preview(deep, 10)).toBe('[[[[[[[[[…');
    }
    // JSON.stringify of the string takes ~100 ms each, and throws on the deep one.
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(2000);
  });

  it('lists only the first members of a wide object', () => {
    // Any key enumeration of a V8 dictionary object lists it whole first (~1 s per million
    // keys, as much as JSON.parse made it): preview does one, and builds no text for the rest.
    const wide: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) wide[`k${i}`] = i;
    expect(preview(wide, 40)).toBe('{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5…');
  });

describe('prettyJson', () => {
  it('indents JSON for reading, leaves text, deep and large bodies as given (indenting them costs the square of the depth)', () => {
    expect(prettyJson('{"a":[1,{"b":2}]}')).toBe('{\n  "a": [\n    1,\n    {\n      "b": 2\n    }\n  ]\n}');
    expect(prettyJson('not json')).toBe('not json');
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(prettyJson(deep)).toBe(deep);
    expect(nestingDepth('{"a":"[[[[","b":[{}]}')).toBe(3);
    expect(nestingDepth(deep, 64)).toBe(65);
  });
});
});
