import { afterEach, describe, expect, it } from 'vitest';
import { colorEnabled, setColorOverride } from '../../src/ui/color.js';

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

describe('colorEnabled', () => {
  afterEach(() => setColorOverride(undefined));

  it.each([
    ['a TTY', tty, {}, true],
    ['a pipe', pipe, {}, false],
    ['NO_COLOR on a TTY', tty, { NO_COLOR: '1' }, false],
    ['empty NO_COLOR is ignored', tty, { NO_COLOR: '' }, true],
    ['FORCE_COLOR on a pipe', pipe, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=0 on a TTY', tty, { FORCE_COLOR: '0' }, false],
    ['NO_COLOR beats FORCE_COLOR', pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, false],
    ['TERM=dumb', tty, { TERM: 'dumb' }, false],
  ])('%s', (_label, stream, env, expected) => {
    expect(colorEnabled(stream, env as NodeJS.ProcessEnv)).toBe(expected);
  });

  it('--no-color wins over FORCE_COLOR', () => {
    setColorOverride(false);
    expect(colorEnabled(tty, { FORCE_COLOR: '1' })).toBe(false);
  });
});
