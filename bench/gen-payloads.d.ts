// Types for bench/gen-payloads.js, which the unit tests share (its seeded PRNG).
export function mulberry32(seed: number): () => number;
export function fnv1a(s: string): number;
export function vary<T>(fixture: T, rnd: () => number): T;
