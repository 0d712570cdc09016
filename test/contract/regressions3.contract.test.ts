// Found by the third black-box round, fixed since: an async callback whose promise rejects after
// stop() resolved (errors$ has completed) was lost without a trace; it is a process warning now.
// README: "Anything a callback or subscriber throws (or an `async` one rejects with) goes to
// errors$ and changes nothing". (The round's other finding, a slow lane-thread boot taken for a
// blocked loop, is covered by test/scheduler/thread/LaneWatchdog.test.ts.)
import { describe, expect, it } from 'vitest';
import { AsyncScheduler, AsyncTask, SchedulerThread } from '../../src/index.js';
import { contractFixture, sleep } from './helpers.js';

const bodies = contractFixture('outcomes.mjs');

describe('an async callback that rejects just after stop() resolved', () => {
  // `(info) => void` callbacks: an async one is accepted (these rules would refuse it)
  /* eslint-disable @typescript-eslint/no-misused-promises */
  for (const [name, make] of [
    ['AsyncScheduler', (onDone: () => Promise<void>) => new AsyncScheduler({ onDone })],
    ['SchedulerThread', (onDone: () => Promise<void>) => new SchedulerThread('late', { onDone })],
  ] as const) {
    /* eslint-enable @typescript-eslint/no-misused-promises */
    it(`${name}: its rejection is reported (errors$ or a process warning), not lost`, async () => {
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.message);
      process.on('warning', onWarning);
      const s = make(async () => {
        await sleep(30);
        throw new Error('late async onDone');
      });
      const errors: string[] = [];
      s.errors$.subscribe((e) => errors.push(e.message));
      s.start();
      s.submitTask(new AsyncTask('last', { module: bodies, export: 'resolveNow' }), 0, 'v');
      await s.stop(); // drains: the task is DONE, its onDone called, then stop() resolves
      await sleep(50);
      process.off('warning', onWarning);
      expect([...errors, ...warnings].filter((m) => m.includes('late async onDone'))).toHaveLength(
        1,
      );
    });
  }
});
