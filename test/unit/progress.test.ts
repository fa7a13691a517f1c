import { describe, expect, it } from 'vitest';
import { canSpin, startStep } from '../../src/ui/progress.js';
import { captureStream } from '../helpers/events-context.js';

describe('the one spinner module', () => {
  it('spins only on a terminal with a width, outside CI and dumb terminals', () => {
    const tty = captureStream({ isTTY: true, columns: 80 });
    expect(canSpin(tty, {})).toBe(true);
    expect(canSpin(tty, { CI: 'true' })).toBe(false);
    expect(canSpin(tty, { TERM: 'dumb' })).toBe(false);
    expect(canSpin(captureStream({ isTTY: true }), {})).toBe(false);
    expect(canSpin(captureStream(), {})).toBe(false);
  });

  it('off a terminal, a step ends in one plain line, and a progress line (update, stop) prints nothing', async () => {
    const setup = captureStream();
    const step = await startStep('Looking at the bucket', setup, {});
    expect(step.spinning).toBe(false);
    step.succeed();
    step.update('Creating it');
    step.fail();
    expect(setup.text()).toBe('✔ Looking at the bucket\n✖ Creating it\n');

    const events = captureStream();
    const progress = await startStep('Listing objects…', events, {});
    progress.update('3 objects listed');
    let wrote = false;
    progress.around(() => {
      wrote = true;
    });
    progress.stop();
    expect(wrote).toBe(true);
    expect(events.text()).toBe('');
  });

  it('on a terminal, draws with ora and clears its line when stopped', async () => {
    // The cursor moves ora makes on a terminal, as no-ops.
    const tty = Object.assign(captureStream({ isTTY: true, columns: 80 }), {
      cursorTo: () => true,
      moveCursor: () => true,
      clearLine: () => true,
    });
    const step = await startStep('Listing objects…', tty, {});
    expect(step.spinning).toBe(true);
    step.around(() => tty.write('an event\n'));
    step.stop();
    expect(tty.text()).toContain('Listing objects…');
    expect(tty.text()).toContain('an event\n');
  });
});
