import { describe, expect, it } from 'vitest';
import { UnknownTaskError } from '../../src/index.js';
import { createHarness, echoTask, Gate } from '../support/harness.js';

describe('AsyncScheduler', () => {
  describe('.dumpTask()', () => {
    it('returns nothing before any submission', () => {
      expect(createHarness().scheduler.dumpTask()).toEqual([]);
    });

    it('returns every retained task, live and finished, in submit order', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate();
      const running = scheduler.submitTask(gate.task, 'r');
      const queued = scheduler.submitTask(gate.task, 'q');
      const done = scheduler.submitTask(echoTask(), 'd');
      await gate.resolve(running, 'ok');
      await gate.resolve(queued, 'ok');
      await scheduler.waitTask(done);
      const late = scheduler.submitTask(gate.task, 'late');
      const dump = scheduler.dumpTask();
      expect(dump.map((i) => i.id)).toEqual([running, queued, done, late]);
      expect(dump.map((i) => i.state)).toEqual(['DONE', 'DONE', 'DONE', 'STARTED']);
      for (const info of dump) expect(Object.isFrozen(info)).toBe(true);
    });

    it('shows live tasks in their current state', async () => {
      const { scheduler } = createHarness({ concurrency: 1 }, { start: false });
      const gate = new Gate();
      const a = scheduler.submitTask(gate.task);
      expect(scheduler.dumpTask()).toEqual([
        expect.objectContaining({ id: a, state: 'SUBMITTED' }),
      ]);
      scheduler.start();
      const b = scheduler.submitTask(gate.task);
      expect(scheduler.dumpTask().map((i) => [i.id, i.state])).toEqual([
        [a, 'STARTED'],
        [b, 'SCHEDULED'],
      ]);
    });

    it('returns just the one task for an id', async () => {
      const { scheduler } = createHarness();
      const a = scheduler.submitTask(echoTask(), 1);
      scheduler.submitTask(echoTask(), 2);
      await scheduler.waitTask(a);
      const dump = scheduler.dumpTask(a);
      expect(dump).toHaveLength(1);
      expect(dump[0]).toEqual(scheduler.taskInfo(a));
    });

    it('throws UnknownTaskError for an unknown id', () => {
      const { scheduler } = createHarness();
      expect(() => scheduler.dumpTask('who')).toThrow(UnknownTaskError);
      expect(() => scheduler.dumpTask('who')).toThrow(/"who"/);
    });

    it('leaves out tasks evicted by retention', async () => {
      const { scheduler } = createHarness({ retention: { maxFinished: 2 } });
      const ids = [1, 2, 3, 4].map((n) => scheduler.submitTask(echoTask(), n));
      await Promise.all(ids.map((id) => scheduler.waitTask(id)));
      expect(scheduler.dumpTask().map((i) => i.id)).toEqual(ids.slice(2));
    });
  });
});
