// Deterministic payload generator for bench/validate.js: varies a fixture with a seeded PRNG while
// keeping it valid. Rules (schema-agnostic but conservative):
//  - arrays (non-empty): new length in [len-1 (min 1), len+2], extra items are clones of existing ones
//  - ids (string values of keys `id`, `*_id`, `*Id`, >= 6 chars): new value of the same shape
//    (uuid -> v4 uuid, else same prefix and same character classes, so hex stays hex); every
//    occurrence inside other strings (URLs, "<agentId>.<eventType>") is replaced too, consistently
//  - E.164 phone numbers: new digits, same length
//  - prose (strings with a space, >= 16 chars, no hh:mm in them): words re-drawn, 0.5x-2x as many
//  - numbers: integers x0.5..x1.5 (0 stays 0), floats in [0,1] stay in [0,1], others x0.5..x1.5
//  - enums/constants (no spaces), timestamps, booleans, null and object keys are left alone
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const ID_KEY = /(^id$|_id$|Id$)/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PHONE = /^\+[1-9]\d{6,14}$/;
const TIME = /\d{2}:\d{2}/;
const CLASSES = ['0123456789', 'abcdef', 'ghijklmnopqrstuvwxyz', 'ABCDEF', 'GHIJKLMNOPQRSTUVWXYZ'];

/** Return a varied deep copy of `fixture`, deterministic for a given `rnd` sequence. */
export function vary(fixture, rnd) {
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (chars) => chars[Math.floor(rnd() * chars.length)];

  const resize = (v) => {
    if (Array.isArray(v)) {
      const len = v.length === 0 ? 0 : int(Math.max(1, v.length - 1), v.length + 2);
      return Array.from({ length: len }, (_, i) => resize(structuredClone(v[i % v.length])));
    }
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resize(x)]));
    }
    return v;
  };

  const newId = (old) => {
    if (UUID.test(old)) {
      const hex = () => pick('0123456789abcdef');
      const b = (n) => Array.from({ length: n }, hex).join('');
      return `${b(8)}-${b(4)}-4${b(3)}-${pick('89ab')}${b(3)}-${b(12)}`;
    }
    const prefix = /^[A-Za-z]+[_-]/.exec(old)?.[0] ?? '';
    const rest = [...old.slice(prefix.length)].map((c) => {
      const cls = CLASSES.find((k) => k.includes(c));
      return cls ? pick(cls) : c;
    });
    return prefix + rest.join('');
  };

  const ids = new Map();
  const collectIds = (v, key) => {
    if (typeof v === 'string' && ID_KEY.test(key) && v.length >= 6 && !ids.has(v)) ids.set(v, newId(v));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collectIds(x, k);
  };

  const words = (s) => {
    const w = s.split(' ');
    return Array.from({ length: int(Math.ceil(w.length / 2), w.length * 2) }, () => pick(w)).join(' ');
  };

  const mutate = (v) => {
    if (Array.isArray(v)) return v.map(mutate);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mutate(x)]));
    if (typeof v === 'number') {
      if (v === 0 || v < 0) return v;
      if (Number.isInteger(v)) return int(Math.ceil(v / 2), Math.floor((v * 3) / 2));
      if (v <= 1) return Math.round(rnd() * 100) / 100;
      return Math.round(v * (0.5 + rnd()) * 10) / 10;
    }
    if (typeof v !== 'string') return v;
    if (ids.has(v)) return ids.get(v);
    if (PHONE.test(v)) return v.slice(0, 2) + Array.from({ length: v.length - 2 }, () => pick(CLASSES[0])).join('');
    let s = v;
    for (const [from, to] of ids) if (s.includes(from)) s = s.split(from).join(to);
    // Dates written with spaces (Twilio's RFC 2822 "Wed, 08 Oct 2025 13:54:12 +0000") are values, not prose.
    return s.includes(' ') && s.length >= 16 && !TIME.test(s) ? words(s) : s;
  };

  const doc = resize(fixture);
  collectIds(doc, '');
  return mutate(doc);
}
