import { describe, expect, it } from 'vitest';
import { isColorEnabled, isSpinnerEnabled } from '../../src/ui/terminal.js';

const tty = { isTTY: true, columns: 80, write: () => true };
const pipe = { isTTY: false, write: () => true };

describe('terminal etiquette', () => {
  it.each([
    [tty, {}, true],
    [pipe, {}, false],
    [tty, { NO_COLOR: '1' }, false],
    [tty, { NO_COLOR: '' }, true],
    [pipe, { FORCE_COLOR: '1' }, true],
    [tty, { TERM: 'dumb' }, false],
  ])('colour for %o with %o is %s', (stream, env, expected) => expect(isColorEnabled(stream, env)).toBe(expected));

  it('no spinner in CI, in pipes or with NO_COLOR', () => {
    expect(isSpinnerEnabled(tty, {})).toBe(true);
    expect(isSpinnerEnabled(tty, { CI: 'true' })).toBe(false);
    expect(isSpinnerEnabled(pipe, {})).toBe(false);
    expect(isSpinnerEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    // A terminal that does not say its width (a 0x0 pseudo-terminal): ora would loop forever.
    expect(isSpinnerEnabled({ ...tty, columns: 0 }, {})).toBe(false);
    expect(isSpinnerEnabled({ isTTY: true, write: () => true }, {})).toBe(false);
  });
});
