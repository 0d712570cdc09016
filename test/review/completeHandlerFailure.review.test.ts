import { afterEach, describe, expect, it, vi } from 'vitest';
import { SchedulerErrorCode } from '../../src/index.js';
import { createHarness } from '../support/harness.js';

/*
 * Review (TransitionReporter.complete / reportError): complete() sets #completed before it
 * completes transitions$, so a transitions$ subscriber whose `complete` handler throws is
 * reported as a process warning, although errors$ is still open and stop() has not resolved.
 * docs/design.md: only errors$ subscribers' own errors and failures "that arrive after stop()
 * resolved" become a process warning. At c84ecf6 this failure reached errors$.
 */
describe('AsyncScheduler.transitions$ subscriber whose complete handler throws', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is reported on errors$, which is still open, not as a process warning', async () => {
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const h = createHarness();
    h.scheduler.transitions$.subscribe({
      complete: () => {
        throw new Error('complete handler broke');
      },
    });

    await h.scheduler.stop();

    expect(emitWarning).not.toHaveBeenCalled();
    expect(h.errors.map((e) => e.code)).toEqual([SchedulerErrorCode.SUBSCRIBER_FAILED]);
  });
});
