import { describe, expect, it } from 'vitest';
import { AsyncTask } from '../../../src/index.js';
import { flushMicrotasks } from '../../support/ManualClock.js';
import { createHarness, echoTask, Gate, T0 } from '../../support/harness.js';

describe('delays (delayMs, runAt)', () => {
  it('holds a delayed task in SCHEDULED until its runAfter, then runs it', async () => {
    const { scheduler, clock } = createHarness();
    const h = scheduler.submit(echoTask(), { args: ['late'], delayMs: 500 });
    expect(h.state).toBe('SCHEDULED');
    expect(h.info().runAfter).toBe(T0 + 500);
    expect([scheduler.delayedCount, scheduler.queuedCount]).toEqual([1, 1]);
    await clock.advance(499);
    expect(h.state).toBe('SCHEDULED');
    await clock.advance(1);
    expect(await h.result()).toBe('late');
    expect(h.info().ts.start).toBe(T0 + 500);
    expect(h.info().waitMs).toBe(500);
    expect(h.info().runAfter).toBeUndefined();
    expect(scheduler.delayedCount).toBe(0);
  });

  it('takes runAt as a Date or epoch ms; a time already past runs at once', async () => {
    const { scheduler, clock } = createHarness();
    const atDate = scheduler.submit(echoTask(), { args: [1], runAt: new Date(T0 + 200) });
    const atMs = scheduler.submit(echoTask(), { args: [2], runAt: T0 + 100 });
    const past = scheduler.submit(echoTask(), { args: [3], runAt: T0 - 1_000 });
    await flushMicrotasks();
    expect(past.state).toBe('DONE');
    await clock.advance(100);
    expect([atMs.state, atDate.state]).toEqual(['DONE', 'SCHEDULED']);
    await clock.advance(100);
    expect(atDate.state).toBe('DONE');
  });

  it('never holds back a ready task behind a delayed one, whatever their priorities', async () => {
    const { scheduler, clock } = createHarness({ concurrency: 1 });
    const gate = new Gate('gate');
    const blocker = scheduler.submitTask(gate.task);
    const delayed = scheduler.submit(echoTask('delayed'), {
      args: ['d'],
      delayMs: 1_000,
      priority: 10,
    });
    const ready = scheduler.submit(echoTask('ready'), { args: ['r'], priority: 0 });
    await gate.resolve(blocker, 'done');
    await flushMicrotasks();
    expect(ready.state).toBe('DONE');
    expect(delayed.state).toBe('SCHEDULED');
    await clock.advance(1_000);
    expect(delayed.state).toBe('DONE');
  });

  it('releases delayed tasks in due order, by priority once due, with one timer for the lane', async () => {
    const { scheduler, clock } = createHarness({ concurrency: 1 });
    const order: string[] = [];
    const record = new AsyncTask('rec', ({ args: [name] }: { args: [string] }) => {
      order.push(name);
    });
    for (const [name, delayMs, priority] of [
      ['c', 300, 0],
      ['a', 100, 0],
      ['b2', 200, 0],
      ['b1', 200, 5],
    ] as const) {
      scheduler.submit(record, { args: [name], delayMs, priority });
    }
    expect(clock.pendingTimers).toBe(1);
    expect(scheduler.delayedCount).toBe(4);
    await clock.advance(300);
    expect(order).toEqual(['a', 'b1', 'b2', 'c']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('starts ready tasks of equal priority in the order they became ready: a delayed one queues when it falls due', async () => {
    const { scheduler, clock } = createHarness({ concurrency: 1 });
    const gate = new Gate('gate');
    const blocker = scheduler.submitTask(gate.task);
    const order: string[] = [];
    const record = new AsyncTask('rec', ({ args: [name] }: { args: [string] }) => {
      order.push(name);
    });
    scheduler.submit(record, { args: ['delayed, submitted first'], delayMs: 100 });
    scheduler.submit(record, { args: ['ready since submit'] });
    await clock.advance(100);
    await gate.resolve(blocker, 'done');
    await flushMicrotasks();
    expect(order).toEqual(['ready since submit', 'delayed, submitted first']);
  });

  it("applies a task's own delayMs to every run, and a submit's replaces it", async () => {
    const { scheduler, clock } = createHarness();
    const task = new AsyncTask('later', () => 'ok', { delayMs: 50 });
    const own = scheduler.submit(task);
    const replaced = scheduler.submit(task, { delayMs: 0 });
    await flushMicrotasks();
    expect(replaced.state).toBe('DONE');
    expect(own.info().runAfter).toBe(T0 + 50);
    await clock.advance(50);
    expect(own.state).toBe('DONE');
  });

  it('counts the delay from submit even before start(), and runs due tasks on start', async () => {
    const { scheduler, clock } = createHarness({}, { start: false });
    const h = scheduler.submit(echoTask(), { args: ['x'], delayMs: 100 });
    expect(h.state).toBe('SUBMITTED');
    await clock.advance(150);
    scheduler.start();
    await flushMicrotasks();
    expect(h.state).toBe('DONE');
  });

  it('drains delayed tasks on stop() (waiting for them), cancels them with cancel: true, and leaves no timer', async () => {
    const { scheduler, clock } = createHarness();
    const drained = scheduler.submit(echoTask(), { args: ['d'], delayMs: 100 });
    const stopping = scheduler.stop();
    await clock.advance(100);
    await stopping;
    expect(drained.state).toBe('DONE');
    expect(clock.pendingTimers).toBe(0);

    const second = createHarness();
    const canceled = second.scheduler.submit(echoTask(), { args: ['c'], delayMs: 10_000 });
    await second.scheduler.stop({ cancel: true });
    expect(canceled.state).toBe('CANCELED');
    expect(second.clock.pendingTimers).toBe(0);
  });

  it('cancels a delayed task without running it', async () => {
    const { scheduler, clock } = createHarness();
    let ran = false;
    const h = scheduler.submit(
      new AsyncTask('never', () => {
        ran = true;
      }),
      { delayMs: 100 },
    );
    expect(await h.cancel()).toBe(true);
    expect(scheduler.delayedCount).toBe(0);
    await clock.advance(200);
    expect(ran).toBe(false);
  });
});
