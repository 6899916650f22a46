// Types for hostile-shapes.js (plain JavaScript, so that bench/hostile.js and the child
// processes of test/e2e/hostile.test.ts load it without a TypeScript step).
export interface HostileShape {
  /** What the shape is, in a few words. */
  what: string;
  /** A JSON text of about `size` bytes (ASCII: characters are bytes). */
  make(size: number): string;
}
export const SHAPES: Record<string, HostileShape>;
export const SHAPE_NAMES: string[];
export const MB: number;
