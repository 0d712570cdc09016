import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { runToExit } from '../support/runToExit.js';
import { Signals, useSyncHarness, workTask } from '../support/syncTasks.js';

const threadIdTask = workTask<[], number>('threadId');
const gatedTask = workTask<[SharedArrayBuffer], string>('gated');

/**
 * A thread id no thread started before this call has, and every thread started after it
 * exceeds: Node numbers threads in creation order.
 */
async function nextThreadId(): Promise<number> {
  const probe = new Worker('', { eval: true });
  const id = probe.threadId;
  await probe.terminate();
  return id;
}

describe('AsyncScheduler', () => {
  describe('the shared executor pool', () => {
    const harness = useSyncHarness();

    it('runs the SyncTasks of every scheduler without `threads` on the same threads', async () => {
      const a = harness();
      const b = harness();
      const onA = await a.scheduler.result(a.scheduler.submitTask(threadIdTask));
      // Every thread made from here on has a higher id: B's pool, had it one of its own.
      const later = await nextThreadId();
      expect(onA).toBeLessThan(later);
      const onB = await b.scheduler.result(b.scheduler.submitTask(threadIdTask));
      expect(onB).toBeLessThan(later);
    });

    it('gives a scheduler with `threads` a pool of its own', async () => {
      const a = harness();
      await a.scheduler.result(a.scheduler.submitTask(threadIdTask));
      const later = await nextThreadId();
      const own = harness({ threads: 1 });
      const onOwn = await own.scheduler.result(own.scheduler.submitTask(threadIdTask));
      expect(onOwn).toBeGreaterThan(later);
    });

    // On a machine with two cores the shared pool has one thread: B's task then waits for it
    // (SCHEDULED) while A's runs, instead of running beside it. Either way A's stop must not
    // touch it.
    it.each([
      { how: 'cancel', cancel: true, aEnds: 'CANCELED' },
      { how: 'drain', cancel: false, aEnds: 'DONE' },
    ] as const)(
      "ends only the stopping scheduler's tasks on a $how; the other's run on",
      async ({ cancel, aEnds }) => {
        const a = harness();
        const b = harness();
        const onA = new Signals();
        const onB = new Signals();
        const aTask = a.scheduler.submitTask(gatedTask, onA.buffer);
        await onA.started();
        const bTask = b.scheduler.submitTask(gatedTask, onB.buffer);
        const stopped = a.scheduler.stop({ cancel });
        // A drain waits for A's task; a cancel has terminated its thread (and a replacement
        // takes its place).
        if (!cancel) onA.go();
        await stopped;
        expect(a.scheduler.taskState(aTask)).toBe(aEnds);
        await onB.started();
        expect(b.scheduler.taskState(bTask)).toBe('STARTED');
        onB.go();
        await expect(b.scheduler.result(bTask)).resolves.toBe('finished');
        expect(b.errors).toEqual([]);
      },
    );

    it('reports a thread that crashed under a task to that task’s scheduler only', async () => {
      const a = harness();
      const b = harness();
      const crashed = a.nextError('ERR_WORKER_CRASHED');
      const id = a.scheduler.submitTask(workTask('exitProcess'));
      await expect(crashed).resolves.toMatchObject({ taskId: id });
      await expect(b.scheduler.result(b.scheduler.submitTask(threadIdTask))).resolves.toEqual(
        expect.any(Number),
      );
      expect(b.errors).toEqual([]);
    });

    it('serves a new scheduler after every earlier one stopped', async () => {
      const first = harness();
      await first.scheduler.result(first.scheduler.submitTask(threadIdTask));
      await first.scheduler.stop();
      const next = harness();
      await expect(
        next.scheduler.result(next.scheduler.submitTask(workTask('default'), 41)),
      ).resolves.toBe(42);
    });
  });

  describe('the shared executor pool in a plain program', () => {
    it('keeps the process alive no longer than its last scheduler', async () => {
      // Two schedulers share the pool; one's busy loop is canceled by its stop, the other
      // drains. Had a pool thread or timer survived both stops, the child would never exit.
      const { code, stdout, stderr } = await runToExit('sharedPoolExitAfterStop.ts');
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout.trim())).toEqual({ a: ['DONE', 'CANCELED'], b: ['DONE'] });
    });
  });
});
