import { describe, expect, it } from 'vitest';
import { AsyncTask } from '../../src/index.js';
import { createHarness, Gate } from '../support/harness.js';

describe('AsyncScheduler', () => {
  describe('priority and order', () => {
    it('starts higher priorities first, FIFO among equals, once a slot frees', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate();
      const blocker = scheduler.submitTask(gate.task);
      const names = new Map<string, string>();
      const plan: [string, number][] = [
        ['p0-a', 0],
        ['p5-a', 5],
        ['p1-a', 1],
        ['p5-b', 5],
        ['pm1', -1],
        ['p0-b', 0],
        ['p5-c', 5],
      ];
      for (const [name, priority] of plan) {
        const id = scheduler.submitTask(new AsyncTask(name, () => name, { priority }));
        names.set(id, name);
      }
      const order: string[] = [];
      scheduler.transitions$.subscribe((t) => {
        if (t.to === 'STARTED') order.push(t.id);
      });
      await gate.resolve(blocker, 'free');
      await Promise.all([...names.keys()].map((id) => scheduler.waitTask(id)));
      expect(order.map((id) => names.get(id))).toEqual([
        'p5-a',
        'p5-b',
        'p5-c',
        'p1-a',
        'p0-a',
        'p0-b',
        'pm1',
      ]);
    });

    it('orders tasks held before start() by priority too', async () => {
      const { scheduler } = createHarness({ concurrency: 1 }, { start: false });
      const low = new Gate('low', { priority: 1 });
      const high = new Gate('high', { priority: 2 });
      const l1 = scheduler.submitTask(low.task);
      const l2 = scheduler.submitTask(low.task);
      const h1 = scheduler.submitTask(high.task);
      scheduler.start();
      await high.started(h1);
      expect(low.order).toEqual([]);
      await high.resolve(h1, 'x');
      await low.started(l1);
      expect(low.order).toEqual([l1]);
      await low.resolve(l1, 'x');
      await low.started(l2);
      expect(low.order).toEqual([l1, l2]);
    });

    it('starts tasks in submit order when the lane has room', async () => {
      const { scheduler } = createHarness();
      const gate = new Gate();
      const ids = Array.from({ length: 10 }, (_, i) => scheduler.submitTask(gate.task, i));
      await Promise.all(ids.map((id) => gate.started(id)));
      expect(gate.order).toEqual(ids);
    });

    it.each(['onSubmit', 'onSchedule'] as const)(
      'keeps FIFO among equals for a task submitted from an earlier task’s %s',
      async (hook) => {
        const started: string[] = [];
        const { scheduler } = createHarness({
          concurrency: 1,
          onStart: (info) => started.push(info.name),
        });
        const b = new AsyncTask('b', () => undefined);
        const a = new AsyncTask('a', () => undefined, {
          [hook]: () => {
            scheduler.submitTask(b);
          },
        });
        scheduler.submitTask(a);
        await scheduler.stop();
        expect(started).toEqual(['a', 'b']);
      },
    );

    it('keeps FIFO among held tasks when a SCHEDULED callback submits at start()', async () => {
      const started: string[] = [];
      const { scheduler } = createHarness(
        { concurrency: 1, onStart: (info) => started.push(info.name) },
        { start: false },
      );
      const late = new AsyncTask('late', () => undefined);
      const first = new AsyncTask('first', () => undefined, {
        onSchedule: () => {
          scheduler.submitTask(late);
        },
      });
      scheduler.submitTask(first);
      scheduler.submitTask(new AsyncTask('second', () => undefined));
      scheduler.start();
      await scheduler.stop();
      expect(started).toEqual(['first', 'second', 'late']);
    });

    it('schedules a task submitted by a callback while start() schedules the held ones', async () => {
      const { scheduler } = createHarness({ concurrency: 1 }, { start: false });
      let late = '';
      const first = new AsyncTask('first', () => undefined, {
        onSchedule: () => {
          late = scheduler.submitTask(new AsyncTask('late', () => 'ran'));
        },
      });
      scheduler.submitTask(first);
      scheduler.start();
      // Not held as if the lane were still idle: it would wait for stop() to drain it.
      expect(scheduler.taskState(late)).not.toBe('SUBMITTED');
      await expect(scheduler.result(late)).resolves.toBe('ran');
    });

    it('accepts fractional and negative priorities', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate();
      const blocker = scheduler.submitTask(gate.task);
      const a = new Gate('a', { priority: 0.5 });
      const b = new Gate('b', { priority: 0.75 });
      const c = new Gate('c', { priority: -0.25 });
      const ids = [a, b, c].map((g) => scheduler.submitTask(g.task));
      const order: string[] = [];
      scheduler.transitions$.subscribe((t) => {
        if (t.to === 'STARTED') order.push(t.name);
      });
      await gate.resolve(blocker, 'x');
      await b.resolve(ids[1]!, 'x');
      await a.resolve(ids[0]!, 'x');
      await c.started(ids[2]!);
      expect(order).toEqual(['b', 'a', 'c']);
    });
  });

  describe('concurrency', () => {
    it('never has more STARTED tasks than its concurrency, and uses every slot', async () => {
      const { scheduler } = createHarness({ concurrency: 3 });
      let running = 0;
      let most = 0;
      scheduler.transitions$.subscribe((t) => {
        if (t.to === 'STARTED') running++;
        if (t.from === 'STARTED') running--;
        most = Math.max(most, running);
      });
      const gate = new Gate();
      const ids = Array.from({ length: 12 }, () => scheduler.submitTask(gate.task));
      // Settle the running tasks in a scrambled order, failing some, until all are final.
      for (let step = 0; step < ids.length; step++) {
        const started = gate.order.filter((id) => scheduler.taskState(id) === 'STARTED');
        expect(started).toHaveLength(Math.min(3, ids.length - step));
        expect(scheduler.runningCount).toBe(started.length);
        const target = started[(step * 7) % started.length]!;
        if (step % 4 === 0) await gate.reject(target, new Error('x'));
        else await gate.resolve(target, step);
        await scheduler.waitTask(target);
      }
      expect(most).toBe(3);
      expect(running).toBe(0);
      expect(gate.order).toHaveLength(12);
    });

    it("reports a task's final transition before the next task starts in its slot", async () => {
      const { scheduler, transitions } = createHarness({ concurrency: 1 });
      const gate = new Gate();
      const a = scheduler.submitTask(gate.task);
      const b = scheduler.submitTask(gate.task);
      await gate.resolve(a, 'x');
      await gate.started(b);
      const order = transitions
        .filter((t) => t.from === 'STARTED' || t.to === 'STARTED')
        .map((t) => `${t.id === a ? 'a' : 'b'}:${t.to}`);
      expect(order).toEqual(['a:STARTED', 'a:DONE', 'b:STARTED']);
    });

    it('runs one at a time with concurrency 1', async () => {
      const { scheduler } = createHarness({ concurrency: 1 });
      const gate = new Gate();
      const [a, b] = [scheduler.submitTask(gate.task), scheduler.submitTask(gate.task)];
      await gate.started(a);
      expect(gate.has(b)).toBe(false);
      await gate.reject(a, new Error('fail frees the slot too'));
      await gate.started(b);
      expect(scheduler.taskState(a)).toBe('FAILED');
    });

    it('runs everything at once with the default (Infinity)', async () => {
      const { scheduler } = createHarness();
      const gate = new Gate();
      const ids = Array.from({ length: 200 }, () => scheduler.submitTask(gate.task));
      await Promise.all(ids.map((id) => gate.started(id)));
      expect(scheduler.runningCount).toBe(200);
      expect(scheduler.queuedCount).toBe(0);
    });
  });
});
