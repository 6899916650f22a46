// A single-pass, iterative JSON scanner for locating things in source text. Pure: no I/O.
//
// `JSON.parse` stays the fast path for getting values; this scanner answers the questions it
// cannot: where (line:column) is the value at a path, where exactly is the syntax error, and
// which object keys are repeated (JSON.parse silently keeps the last one).
//
// Design constraints: one linear pass, no recursion (an explicit stack of frames, so 10,000+
// levels of nesting are fine), no per-character allocations (charCodeAt only), and path
// strings are never built while scanning: requested paths are compiled into a trie once and
// the scanner only follows trie nodes, so unrequested subtrees cost nothing.
//
// Linear in its input, whatever the input (issue #13): a duplicate key does not copy the path of
// its object (under a repeated key at every level that was quadratic: 120 KB took 18 s and 3 GB).
// Its path is a chain of links shared with every other duplicate under the same prefix, made only
// for the frames not linked yet; and only the first `maxDuplicates` are kept, the rest counted.
import { linkPath, type PathLink } from './display.js';
import { formatPath, type PathSegment } from './values.js';

/** line and column are 1-based; column counts UTF-16 code units from the line start; offset is a 0-based index. */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

export interface ScanSyntaxError {
  message: string;
  position: Position;
}

export interface DuplicateKey {
  /**
   * Path of the object that contains the repeated key (null: the top-level object), as links
   * shared with the other duplicates under the same prefix: linkSegments() for the segments,
   * displayLinkPath() for a message.
   */
  at: PathLink | null;
  /** The key after unescaping (`"\u0061"` and `"a"` are the same key). */
  key: string;
  /** Opening quote of the first occurrence. */
  first: Position;
  /** Opening quote of this (later) occurrence. */
  second: Position;
}

export interface ScanResult {
  /** The first syntax error; scanning stops there. */
  error?: ScanSyntaxError;
  /**
   * formatPath(path) -> position of the first character of the value at that path, for the
   * requested paths that exist. When a key is repeated, the last occurrence wins (as in JSON.parse).
   * Made on first use: byPath needs no path formatted.
   */
  readonly positions: Map<string, Position>;
  /** The same positions keyed by the requested path arrays themselves. */
  byPath: Map<readonly PathSegment[], Position>;
  /** The first `maxDuplicates` repeated keys, in text order. */
  duplicates: DuplicateKey[];
  /** Repeated keys in all, kept or not. */
  duplicateCount: number;
  /** Deepest container nesting seen: 0 for a scalar, 1 for `{}` or `[1]`, 2 for `[[1]]`. */
  maxDepth: number;
}

export interface ScanOptions {
  /** Paths whose value positions should be reported (`[]` is the top-level value). */
  paths?: Iterable<readonly PathSegment[]>;
  /** Keep at most this many duplicate keys (the rest are only counted). Default: all. */
  maxDuplicates?: number;
}

// ---------------------------------------------------------------------------------------------
// Requested paths as a trie

interface PathNode {
  /** The requested path arrays ending here (null: none ends here). */
  requested: (readonly PathSegment[])[] | null;
  keys: Map<string, PathNode> | null;
  items: Map<number, PathNode> | null;
}

function newNode(): PathNode {
  return { requested: null, keys: null, items: null };
}

function buildTrie(paths: Iterable<readonly PathSegment[]>): PathNode | null {
  let root: PathNode | null = null;
  for (const path of paths) {
    root ??= newNode();
    let node = root;
    for (const seg of path) {
      let next: PathNode | undefined;
      if (typeof seg === 'number') {
        node.items ??= new Map();
        next = node.items.get(seg);
        if (next === undefined) node.items.set(seg, (next = newNode()));
      } else {
        node.keys ??= new Map();
        next = node.keys.get(seg);
        if (next === undefined) node.keys.set(seg, (next = newNode()));
      }
      node = next;
    }
    (node.requested ??= []).push(path);
  }
  return root;
}

// ---------------------------------------------------------------------------------------------
// Character helpers and messages (only the error paths allocate)

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** { [ " - 0-9 t f n */
function isValueStart(c: number): boolean {
  return c === 123 || c === 91 || c === 34 || c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110;
}

function isHex(c: number): boolean {
  const l = c | 32;
  return (c >= 48 && c <= 57) || (l >= 97 && l <= 102);
}

function isWordChar(c: number): boolean {
  const l = c | 32;
  return (l >= 97 && l <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

function isLetter(c: number): boolean {
  const l = c | 32;
  return (l >= 97 && l <= 122) || c === 95 || c === 36;
}

function hex4(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Whitespace that is not JSON whitespace (a common copy-paste problem). */
function isForeignSpace(cp: number): boolean {
  return (
    cp === 0x0b ||
    cp === 0x0c ||
    cp === 0x85 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200b) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

function describeChar(text: string, i: number): string {
  const cp = text.codePointAt(i) ?? 0;
  if (cp >= 0x21 && cp <= 0x7e) return `'${String.fromCharCode(cp)}'`;
  if (cp < 0xa1 || (cp >= 0xd800 && cp <= 0xdfff) || isForeignSpace(cp) || cp === 0xfeff) return hex4(cp);
  return `'${String.fromCodePoint(cp)}' (${hex4(cp)})`;
}

/** The word starting at i (for messages), shortened when long. */
function wordAt(text: string, i: number): string {
  let j = i;
  const limit = Math.min(text.length, i + 40);
  while (j < limit && isWordChar(text.charCodeAt(j))) j++;
  const word = text.slice(i, j);
  return j === limit && j < text.length && isWordChar(text.charCodeAt(j)) ? `${word}…` : word;
}

const NOT_JSON_WORDS = new Set(['NaN', 'Infinity', 'undefined']);

/** Message for a word where a value was expected (the valid literals never get here). */
function wordMessage(word: string): string {
  if (NOT_JSON_WORDS.has(word)) return `${word} is not JSON`;
  const lower = word.toLowerCase();
  if (lower === 'true' || lower === 'false' || lower === 'null') return `${word} is not JSON (use ${lower})`;
  if (word === 'None' || word === 'nil') return `${word} is not JSON (use null)`;
  return `unexpected '${word}' (expected a value; strings must be in double quotes)`;
}

/**
 * The message for an unexpected character at i (or the end of input). `inValue` enables the
 * hints that only make sense where a value or key was expected.
 */
function unexpected(text: string, i: number, expected: string, inValue: boolean): string {
  if (i >= text.length) return `unexpected end of input (expected ${expected})`;
  const c = text.charCodeAt(i);
  if (c === 47) {
    const n = text.charCodeAt(i + 1);
    if (n === 47 || n === 42) return 'comments are not JSON';
  }
  if (inValue && c === 39) return 'single quotes are not JSON (use double quotes)';
  if (inValue && (c === 0x201c || c === 0x201d || c === 0x2018 || c === 0x2019)) {
    return `curly quote ${describeChar(text, i)} is not JSON (use straight double quotes)`;
  }
  if (c === 0xfeff) return 'unexpected byte order mark U+FEFF (only allowed at the very start)';
  if (isForeignSpace(c)) {
    return `unexpected whitespace character ${hex4(c)} (JSON whitespace is only space, tab, LF and CR)`;
  }
  return `unexpected character ${describeChar(text, i)} (expected ${expected})`;
}

// Scratch results of scanString / scanNumber. Module-level so that the hot path allocates
// nothing; safe because scanning is synchronous and never re-entered.
let gHasEscape = false;
let gErrMsg = '';
let gErrOff = 0;

/** What ends a run of plain string characters: a quote, a backslash or a control character. */
const SPECIAL = /["\\\u0000-\u001f]/g;

/**
 * Scan a string whose opening quote is at `start`. Returns the index after the closing quote,
 * or -1 with gErrMsg/gErrOff set. Sets gHasEscape.
 */
function scanString(text: string, start: number, len: number): number {
  let i = start + 1;
  let hasEscape = false;
  let plain = 0;
  while (i < len) {
    // A long run of plain characters (a megabyte key or value) is skipped by the regex engine,
    // several times faster than this loop; short strings never pay for the call.
    if (++plain > 64) {
      plain = 0;
      SPECIAL.lastIndex = i;
      if (!SPECIAL.test(text)) break; // no quote up to the end: unterminated
      i = SPECIAL.lastIndex - 1;
    }
    const c = text.charCodeAt(i);
    if (c === 34) {
      gHasEscape = hasEscape;
      return i + 1;
    }
    if (c === 92) {
      hasEscape = true;
      const e = text.charCodeAt(i + 1);
      if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
        i += 2;
        continue;
      }
      if (e === 117) {
        for (let k = 2; k < 6; k++) {
          if (!isHex(text.charCodeAt(i + k))) {
            if (i + k >= len) break; // runs into the end: reported as unterminated below
            gErrMsg = `invalid unicode escape \\u${text.slice(i + 2, i + k + 1)} (expected 4 hex digits)`;
            gErrOff = i;
            return -1;
          }
        }
        if (i + 6 > len) break;
        i += 6;
        continue;
      }
      if (i + 1 >= len) break;
      const ec = text.codePointAt(i + 1) ?? 0;
      gErrMsg =
        ec >= 0x21 && ec !== 0x7f && !(ec >= 0x80 && ec <= 0xa0) && !(ec >= 0xd800 && ec <= 0xdfff)
          ? `invalid escape \\${String.fromCodePoint(ec)}`
          : `invalid escape: backslash followed by ${hex4(ec)}`;
      gErrOff = i;
      return -1;
    }
    if (c < 32) {
      gErrMsg = `control character ${hex4(c)} in string`;
      gErrOff = i;
      return -1;
    }
    i++;
  }
  gErrMsg = 'unterminated string';
  gErrOff = start;
  return -1;
}

/** Scan a number starting at i ('-' or a digit). Returns the end index, or -1 with gErrMsg/gErrOff set. */
function scanNumber(text: string, start: number, len: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  if (c === 45) {
    c = text.charCodeAt(++i);
    if (!isDigit(c)) {
      if (isLetter(c)) {
        const word = wordAt(text, i);
        gErrMsg = word === 'Infinity' ? '-Infinity is not JSON' : `invalid number: expected a digit after '-'`;
        gErrOff = word === 'Infinity' ? start : i;
      } else {
        gErrMsg =
          i >= len ? `unexpected end of input (expected a digit after '-')` : `invalid number: expected a digit after '-'`;
        gErrOff = i;
      }
      return -1;
    }
  }
  if (c === 48) {
    c = text.charCodeAt(++i);
    if (isDigit(c)) {
      gErrMsg = 'leading zeros are not allowed';
      gErrOff = start;
      return -1;
    }
  } else {
    do c = text.charCodeAt(++i);
    while (isDigit(c));
  }
  if (c === 46) {
    c = text.charCodeAt(++i);
    if (!isDigit(c)) {
      gErrMsg = i >= len ? `unexpected end of input (expected a digit after '.')` : `invalid number: expected a digit after '.'`;
      gErrOff = i;
      return -1;
    }
    do c = text.charCodeAt(++i);
    while (isDigit(c));
  }
  if (c === 101 || c === 69) {
    c = text.charCodeAt(++i);
    if (c === 43 || c === 45) c = text.charCodeAt(++i);
    if (!isDigit(c)) {
      gErrMsg =
        i >= len ? 'unexpected end of input (expected a digit in the exponent)' : 'invalid number: expected a digit in the exponent';
      gErrOff = i;
      return -1;
    }
    do c = text.charCodeAt(++i);
    while (isDigit(c));
  }
  return i;
}

/** Unescape the body of a (valid) string literal between start and end (exclusive). */
function unescapeString(text: string, start: number, end: number): string {
  let out = '';
  let from = start;
  let i = start;
  while (i < end) {
    if (text.charCodeAt(i) !== 92) {
      i++;
      continue;
    }
    out += text.slice(from, i);
    const e = text.charCodeAt(i + 1);
    switch (e) {
      case 98:
        out += '\b';
        break;
      case 102:
        out += '\f';
        break;
      case 110:
        out += '\n';
        break;
      case 114:
        out += '\r';
        break;
      case 116:
        out += '\t';
        break;
      case 117:
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 4;
        break;
      default: // " \ /
        out += String.fromCharCode(e);
    }
    i += 2;
    from = i;
  }
  return out + text.slice(from, end);
}

// ---------------------------------------------------------------------------------------------
// The scanner

const OBJ = 0;
const ARR = 1;
/** Objects with fewer keys find a repeated key by looking through them; larger ones use a Map. */
const SMALL = 8;

// States: what the scanner expects next.
const S_VALUE = 0; // a value (top level, or after ':')
const S_ARR_FIRST = 1; // after '[': a value or ']'
const S_ARR_NEXT = 2; // after ',' in an array: a value (']' here is a trailing comma)
const S_AFTER = 3; // after a value: ',' or the closing bracket (or the end at top level)
const S_KEY_FIRST = 4; // after '{': a key or '}'
const S_KEY_NEXT = 5; // after ',' in an object: a key ('}' here is a trailing comma)
const S_COLON = 6; // after a key: ':'

export function scanJson(text: string, options?: ScanOptions): ScanResult {
  const len = text.length;
  const byPath = new Map<readonly PathSegment[], Position>();
  const duplicates: DuplicateKey[] = [];
  const maxDuplicates = options?.maxDuplicates ?? Infinity;
  let duplicateCount = 0;
  const root = options?.paths === undefined ? null : buildTrie(options.paths);

  let i = 0;
  let line = 1;
  let lineStart = 0;
  // Editors hide a BOM: it counts in offsets but not in line-1 columns.
  if (len > 0 && text.charCodeAt(0) === 0xfeff) i = lineStart = 1;
  const startOffset = i;

  // The frame stack (index = depth - 1), as parallel arrays.
  const kind: number[] = [];
  const count: number[] = []; // arrays: index of the current element; objects: keys seen so far
  const curKey: string[] = []; // objects: the current key
  const keySets: (Map<string, number> | null)[] = []; // objects with SMALL+ keys: key -> slot of first occurrence
  const slotBase: number[] = []; // objects: first key slot
  const nodes: (PathNode | null)[] = []; // the container's trie node, if any requested path goes through it
  // Key slots (opening-quote positions), a stack shared by the open objects.
  const slotOff: number[] = [];
  const slotLine: number[] = [];
  const slotLineStart: number[] = [];
  const slotKey: string[] = [];
  let slotTop = 0;
  // Path links of the frames, made only when a kept duplicate needs them. links[f] stands for
  // frame f's current key or index; the first `linkTop` are current. A frame whose key or index
  // changes invalidates itself and every deeper frame (those are closed by then anyway).
  const links: (PathLink | null)[] = [];
  let linkTop = 0;

  let depth = 0;
  let maxDepth = 0;
  let state = S_VALUE;
  let node: PathNode | null = root; // trie node of the value about to be scanned
  let commaOff = 0;
  let commaLine = 0;
  let commaLineStart = 0;

  let errMsg: string | null = null;
  let errOff = 0;
  let errLine = 0;
  let errLineStart = 0;

  main: for (;;) {
    // Skip JSON whitespace, counting lines.
    let c = text.charCodeAt(i);
    for (;;) {
      if (c === 32 || c === 9) {
        c = text.charCodeAt(++i);
      } else if (c === 10) {
        line++;
        lineStart = ++i;
        c = text.charCodeAt(i);
      } else if (c === 13) {
        if (text.charCodeAt(++i) === 10) i++;
        line++;
        lineStart = i;
        c = text.charCodeAt(i);
      } else break;
    }

    switch (state) {
      case S_VALUE:
      case S_ARR_FIRST:
      case S_ARR_NEXT: {
        if (c === 93 && state !== S_VALUE) {
          if (state === S_ARR_NEXT) {
            errMsg = 'trailing comma';
            errOff = commaOff;
            errLine = commaLine;
            errLineStart = commaLineStart;
            break main;
          }
          depth--;
          i++;
          state = S_AFTER;
          continue main;
        }
        if (node !== null && node.requested !== null && isValueStart(c)) {
          const at = { line, column: i - lineStart + 1, offset: i };
          for (const path of node.requested) byPath.set(path, at);
        }
        switch (c) {
          case 123: {
            // {
            if (linkTop > depth) linkTop = depth;
            kind[depth] = OBJ;
            count[depth] = 0;
            keySets[depth] = null;
            slotBase[depth] = slotTop;
            nodes[depth] = node;
            if (++depth > maxDepth) maxDepth = depth;
            i++;
            state = S_KEY_FIRST;
            continue main;
          }
          case 91: {
            // [
            if (linkTop > depth) linkTop = depth;
            kind[depth] = ARR;
            count[depth] = 0;
            nodes[depth] = node;
            if (++depth > maxDepth) maxDepth = depth;
            node = node !== null && node.items !== null ? (node.items.get(0) ?? null) : null;
            i++;
            state = S_ARR_FIRST;
            continue main;
          }
          case 34: {
            const end = scanString(text, i, len);
            if (end < 0) {
              errMsg = gErrMsg;
              errOff = gErrOff;
              break main;
            }
            i = end;
            state = S_AFTER;
            continue main;
          }
          case 45:
          case 48:
          case 49:
          case 50:
          case 51:
          case 52:
          case 53:
          case 54:
          case 55:
          case 56:
          case 57: {
            const end = scanNumber(text, i, len);
            if (end < 0) {
              errMsg = gErrMsg;
              errOff = gErrOff;
              break main;
            }
            i = end;
            state = S_AFTER;
            continue main;
          }
          case 116: // t
          case 102: // f
          case 110: {
            // n
            const word = c === 116 ? 'true' : c === 102 ? 'false' : 'null';
            if (text.startsWith(word, i) && !isWordChar(text.charCodeAt(i + word.length))) {
              i += word.length;
              state = S_AFTER;
              continue main;
            }
            break;
          }
        }
        errOff = i;
        if (depth === 0 && i >= len) {
          errMsg = 'empty input (no JSON value)';
          errOff = errLineStart = startOffset;
          errLine = 1;
        } else if (isLetter(c)) errMsg = wordMessage(wordAt(text, i));
        else if ((c === 43 || c === 46) && isDigit(text.charCodeAt(i + 1))) {
          errMsg = `invalid number: a leading '${c === 43 ? '+' : '.'}' is not allowed`;
        } else errMsg = unexpected(text, i, state === S_ARR_FIRST ? "a value or ']'" : 'a value', true);
        break main;
      }

      case S_AFTER: {
        if (depth === 0) {
          if (i < len) {
            errMsg = 'unexpected content after the JSON value';
            errOff = i;
          }
          break main;
        }
        const d = depth - 1;
        const k = kind[d];
        if (c === 44) {
          // ,
          commaOff = i;
          commaLine = line;
          commaLineStart = lineStart;
          i++;
          if (k === ARR) {
            const index = count[d]! + 1;
            count[d] = index;
            if (linkTop > d) linkTop = d;
            const parent = nodes[d] ?? null;
            node = parent !== null && parent.items !== null ? (parent.items.get(index) ?? null) : null;
            state = S_ARR_NEXT;
          } else {
            state = S_KEY_NEXT;
          }
          continue main;
        }
        if (k === ARR ? c === 93 : c === 125) {
          if (k === OBJ) {
            keySets[d] = null;
            slotTop = slotBase[d]!;
          }
          depth = d;
          i++;
          continue main; // still S_AFTER
        }
        errMsg = unexpected(text, i, k === ARR ? "',' or ']'" : "',' or '}'", false);
        errOff = i;
        break main;
      }

      case S_KEY_FIRST:
      case S_KEY_NEXT: {
        const d = depth - 1;
        if (c === 34) {
          const start = i;
          const end = scanString(text, i, len);
          if (end < 0) {
            errMsg = gErrMsg;
            errOff = gErrOff;
            break main;
          }
          i = end;
          const key = gHasEscape ? unescapeString(text, start + 1, end - 1) : text.slice(start + 1, end - 1);
          const n = count[d]!;
          const slot = slotTop++;
          slotOff[slot] = start;
          slotLine[slot] = line;
          slotLineStart[slot] = lineStart;
          slotKey[slot] = key;
          if (n > 0) {
            // The first occurrence of this key in this object, if any. Most objects are small: a
            // look through their few keys costs less than a Map for each (a body of 300,000
            // two-key objects spent most of its scan making Maps).
            let firstSlot: number | undefined;
            let seen = keySets[d] ?? null;
            if (seen === null && n < SMALL) {
              for (let j = slotBase[d]!; j < slot; j++) {
                if (slotKey[j] === key) {
                  firstSlot = j;
                  break;
                }
              }
            } else {
              if (seen === null) {
                seen = new Map();
                for (let j = slotBase[d]!; j < slot; j++) if (!seen.has(slotKey[j]!)) seen.set(slotKey[j]!, j);
                keySets[d] = seen;
              }
              firstSlot = seen.get(key);
              if (firstSlot === undefined) seen.set(key, slot);
            }
            if (firstSlot !== undefined && ++duplicateCount <= maxDuplicates) {
              // Link the frames above this object that are not linked yet (amortised: each
              // key or index gets at most one link, however many duplicates share it).
              for (; linkTop < d; linkTop++) {
                links[linkTop] = linkPath(linkTop === 0 ? null : links[linkTop - 1]!, kind[linkTop] === ARR ? count[linkTop]! : curKey[linkTop]!);
              }
              const fl = slotLineStart[firstSlot]!;
              duplicates.push({
                at: d === 0 ? null : links[d - 1]!,
                key,
                first: { line: slotLine[firstSlot]!, column: slotOff[firstSlot]! - fl + 1, offset: slotOff[firstSlot]! },
                second: { line, column: start - lineStart + 1, offset: start },
              });
            }
          }
          curKey[d] = key;
          count[d] = n + 1;
          if (linkTop > d) linkTop = d;
          const parent = nodes[d] ?? null;
          node = parent !== null && parent.keys !== null ? (parent.keys.get(key) ?? null) : null;
          state = S_COLON;
          continue main;
        }
        if (c === 125) {
          if (state === S_KEY_NEXT) {
            errMsg = 'trailing comma';
            errOff = commaOff;
            errLine = commaLine;
            errLineStart = commaLineStart;
            break main;
          }
          keySets[d] = null;
          slotTop = slotBase[d]!;
          depth = d;
          i++;
          state = S_AFTER;
          continue main;
        }
        errOff = i;
        errMsg = isLetter(c)
          ? `property names must be double-quoted strings (found ${wordAt(text, i)})`
          : unexpected(text, i, state === S_KEY_FIRST ? "a string key or '}'" : 'a string key', true);
        break main;
      }

      case S_COLON: {
        if (c === 58) {
          i++;
          state = S_VALUE;
          continue main;
        }
        errMsg = unexpected(text, i, "':'", false);
        errOff = i;
        break main;
      }
    }
  }

  // By formatted path, made when asked for: a path with a megabyte key is formatted only then.
  let positions: Map<string, Position> | undefined;
  const result: ScanResult = {
    get positions() {
      positions ??= new Map([...byPath].map(([path, at]) => [formatPath(path), at]));
      return positions;
    },
    byPath,
    duplicates,
    duplicateCount,
    maxDepth,
  };
  if (errMsg !== null) {
    if (errLine === 0) {
      // Every error except a trailing comma and empty input is on the current line.
      errLine = line;
      errLineStart = lineStart;
    }
    result.error = {
      message: errMsg,
      position: { line: errLine, column: Math.max(1, errOff - errLineStart + 1), offset: errOff },
    };
  }
  return result;
}

/** Position of a 0-based offset in text (clamped to the text), by the same rules as scanJson. */
export function positionAt(text: string, offset: number): Position {
  const len = text.length;
  const target = Math.max(0, Math.min(len, Math.trunc(offset) || 0));
  let line = 1;
  let lineStart = len > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = 0; i < target; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        if (i + 1 >= target) break; // target is the \n of a \r\n: still on this line
        i++;
      }
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: Math.max(1, target - lineStart + 1), offset: target };
}
