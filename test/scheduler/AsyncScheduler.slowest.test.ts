import { describe, expect, it } from 'vitest';
import { countFreezes, DEEP_QUEUE, deepQueue, FREEZE_BUDGET } from '../support/deepQueue.js';
import { createHarness, Gate, type Harness } from '../support/harness.js';

/** Runs tasks named by their run time; resolves once all of them are DONE. */
async function runFor({ scheduler, clock }: Harness, runMs: number[]): Promise<string[]> {
  const gate = new Gate('timed');
  const ids: string[] = [];
  for (const ms of runMs) {
    const id = scheduler.submitTask(gate.task, ms);
    await gate.started(id);
    ids.push(id);
  }
  const sorted = [...runMs.keys()].sort((a, b) => runMs[a]! - runMs[b]!);
  let elapsed = 0;
  for (const index of sorted) {
    await clock.advance(runMs[index]! - elapsed);
    elapsed = runMs[index]!;
    const finished = scheduler.waitTask(ids[index]!);
    await gate.resolve(ids[index]!, runMs[index]);
    await finished;
  }
  return ids;
}

describe('AsyncScheduler', () => {
  describe('.slowest()', () => {
    it('returns the single slowest finished task by default', async () => {
      const harness = createHarness();
      const ids = await runFor(harness, [30, 90, 10]);
      const [slowest, ...rest] = harness.scheduler.slowest();
      expect(rest).toEqual([]);
      expect(slowest!.id).toBe(ids[1]);
      expect(slowest!.runMs).toBe(90);
    });

    it('returns the n slowest, slowest first', async () => {
      const harness = createHarness();
      await runFor(harness, [30, 90, 10, 60]);
      expect(harness.scheduler.slowest(3).map((i) => i.runMs)).toEqual([90, 60, 30]);
      expect(harness.scheduler.slowest(10).map((i) => i.runMs)).toEqual([90, 60, 30, 10]);
      expect(harness.scheduler.slowest(0)).toEqual([]);
    });

    it('counts running tasks with their time so far', async () => {
      const harness = createHarness();
      const { scheduler, clock } = harness;
      await runFor(harness, [50]);
      const gate = new Gate('running');
      const id = scheduler.submitTask(gate.task);
      await gate.started(id);
      await clock.advance(80);
      const [top, next] = scheduler.slowest(2);
      expect(top).toMatchObject({ id, state: 'STARTED', runMs: 80 });
      expect(next!.runMs).toBe(50);
    });

    it('with running: true returns only running tasks; with running: false only finished ones', async () => {
      const harness = createHarness();
      const { scheduler, clock } = harness;
      await runFor(harness, [100, 5]);
      const gate = new Gate('running');
      const a = scheduler.submitTask(gate.task);
      await clock.advance(10);
      const b = scheduler.submitTask(gate.task);
      await clock.advance(20);
      expect(scheduler.slowest(5, { running: true }).map((i) => [i.id, i.runMs])).toEqual([
        [a, 30],
        [b, 20],
      ]);
      const finished = scheduler.slowest(5, { running: false });
      expect(finished.map((i) => i.runMs)).toEqual([100, 5]);
      expect(finished.every((i) => i.state === 'DONE')).toBe(true);
      expect(scheduler.slowest(5).map((i) => i.runMs)).toEqual([100, 30, 20, 5]);
    });

    it('returns nothing with running: true when nothing runs', async () => {
      const harness = createHarness();
      await runFor(harness, [5]);
      expect(harness.scheduler.slowest(3, { running: true })).toEqual([]);
    });

    it('leaves out tasks that never ran', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate();
      const running = scheduler.submitTask(gate.task);
      const queued = scheduler.submitTask(gate.task);
      await scheduler.cancelTask(queued);
      const ids = scheduler.slowest(10).map((i) => i.id);
      expect(ids).toEqual([running]);
    });

    it('still sees the slowest tasks after retention evicted their records, without duplicates', async () => {
      const harness = createHarness({ retention: { maxFinished: 2 } });
      const ids = await runFor(harness, [70, 500, 20, 300, 10, 40]);
      const { scheduler } = harness;
      // The two finished last (the slowest two) are still retained; the rest were evicted.
      expect(() => scheduler.taskState(ids[0]!)).toThrow();
      const slowest = scheduler.slowest(4);
      expect(slowest.map((i) => i.runMs)).toEqual([500, 300, 70, 40]);
      expect(new Set(slowest.map((i) => i.id)).size).toBe(4);
    });

    it('sees evicted tasks even with maxFinished 0 and maxAgeMs expiry', async () => {
      const harness = createHarness({ retention: { maxFinished: 0 } });
      await runFor(harness, [15, 25]);
      expect(harness.scheduler.dumpTask()).toEqual([]);
      expect(harness.scheduler.slowest(2).map((i) => i.runMs)).toEqual([25, 15]);
      const aged = createHarness({ retention: { maxAgeMs: 10 } });
      await runFor(aged, [33]);
      await aged.clock.advance(1000);
      expect(aged.scheduler.dumpTask()).toEqual([]);
      expect(aged.scheduler.slowest().map((i) => i.runMs)).toEqual([33]);
    });

    it('counts TIMED_OUT, FAILED and CANCELED runs too', async () => {
      const { scheduler, clock } = createHarness();
      const gate = new Gate('g', { timeoutMs: 40 });
      const [timedOut, failed, canceled] = [1, 2, 3].map(() => scheduler.submitTask(gate.task));
      await clock.advance(10);
      await gate.reject(failed!, new Error('x'));
      await scheduler.waitTask(failed!);
      await clock.advance(10);
      await scheduler.cancelTask(canceled!);
      await clock.advance(20);
      expect(scheduler.slowest(3).map((i) => [i.id, i.state, i.runMs])).toEqual([
        [timedOut, 'TIMED_OUT', 40],
        [canceled, 'CANCELED', 20],
        [failed, 'FAILED', 10],
      ]);
    });

    it.each([
      [-1, RangeError],
      [1.5, RangeError],
      [NaN, RangeError],
      ['3', TypeError],
    ])('refuses n = %j', (n, type) => {
      const { scheduler } = createHarness();
      expect(() => scheduler.slowest(n as number)).toThrow(type);
      expect(() => scheduler.slowest(n as number)).toThrow(
        /Expected `n` to be a whole number >= 0/,
      );
    });

    describe('with a deep queue', () => {
      // The dashboard asks every lane for its slowest running tasks on each update: building an
      // info for every queued task only to keep the started ones cut throughput ~6x with 100k
      // queued. Work is counted, not timed.
      it('finds the running tasks without building an info for each queued one', async () => {
        const { scheduler } = createHarness({ concurrency: 1 });
        await deepQueue(scheduler, DEEP_QUEUE);
        expect(scheduler.dumpTask().filter((info) => info.state === 'SCHEDULED')).toHaveLength(
          DEEP_QUEUE,
        );
        const { value: running, freezes } = await countFreezes(() =>
          scheduler.slowest(8, { running: true }),
        );
        expect(running.map((info) => info.name)).toEqual(['running']);
        expect(freezes).toBeLessThan(FREEZE_BUDGET);
      });
    });

    it('refuses options that are not an object', () => {
      const { scheduler } = createHarness();
      expect(() => scheduler.slowest(1, 'running' as never)).toThrow(TypeError);
    });
  });
});
