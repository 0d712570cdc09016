/**
 * The peers the scheduler is measured against, each doing the same no-op work.
 */
import PQueue from 'p-queue';
import { Piscina } from 'piscina';
import { createActor, fromTransition, setup } from 'xstate';
import { TASK_ACTOR_ID } from '../dist/machines/laneMachine.js';
import { unobservedTaskMachine } from '../dist/machines/taskMachine.js';
import { persistedWaitingSnapshot } from '../dist/machines/taskPassivation.js';

const bareMachine = setup({}).createMachine({
  initial: 'a',
  states: {
    a: { on: { next: 'b' } },
    b: { on: { next: 'c' } },
    c: { on: { next: 'd' } },
    d: { on: { next: 'e' } },
    e: { type: 'final' },
  },
});
const NEXT = { type: 'next' } as const;

/** Bare XState: create, start, 4 sends, stop; `count` times. Returns lifecycles per second. */
export function bareXStateLifecycles(count: number): number {
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) {
    const actor = createActor(bareMachine).start();
    actor.send(NEXT);
    actor.send(NEXT);
    actor.send(NEXT);
    actor.send(NEXT);
    actor.stop();
  }
  return (count / (performance.now() - startedAt)) * 1000;
}

/** p-queue 8: `count` no-op jobs added at once, concurrency 64. Returns jobs per second. */
export async function pQueueThroughput(count: number, concurrency: number): Promise<number> {
  const queue = new PQueue({ concurrency });
  const noop = (): undefined => undefined;
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) void queue.add(noop);
  await queue.onIdle();
  return (count / (performance.now() - startedAt)) * 1000;
}

/**
 * The XState work alone that the scheduler cannot avoid: `count` task actors of the machine an
 * unwatched lane uses, with a do-nothing parent (as the lane gives them). As in the lane, a
 * queued task's actor is passivated: each is restored from the persisted SCHEDULED snapshot
 * when it starts, 64 at a time, then taken through start and done, the done event sent from a
 * microtask, as the scheduler does. No queue, records, stream or callbacks. Returns tasks per
 * second.
 */
export async function xstateTaskFloor(count: number, concurrency: number): Promise<number> {
  let started = 0;
  let running = 0;
  let finished = 0;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  const parent = createActor(fromTransition((state: undefined) => state, undefined)).start();
  const scheduled = persistedWaitingSnapshot('SCHEDULED');
  const pump = (): void => {
    while (running < concurrency && started < count) {
      started++;
      running++;
      const actor = createActor(unobservedTaskMachine, {
        id: TASK_ACTOR_ID,
        parent,
        snapshot: scheduled,
      }).start();
      actor.send({ type: 'task.start', at: 2 });
      queueMicrotask(() => {
        running--;
        actor.send({ type: 'task.done', at: 3, result: undefined });
        if (++finished === count) allDone();
        pump();
      });
    }
  };
  const startedAt = performance.now();
  pump();
  await done;
  return (count / (performance.now() - startedAt)) * 1000;
}

/** The tiny CPU task both thread runners execute (`x => x + 1`). */
export const INCREMENT_MODULE = new URL('./fixtures/increment.mjs', import.meta.url);

/** Piscina 5: `count` tiny tasks on `threads` threads, all submitted at once. Tasks per second. */
export async function piscinaThroughput(count: number, threads: number): Promise<number> {
  const pool = new Piscina({
    filename: INCREMENT_MODULE.href,
    minThreads: threads,
    maxThreads: threads,
  });
  // Let the threads start before the clock does, as the scheduler's warm-up does.
  await Promise.all(Array.from({ length: threads * 4 }, (_, i) => pool.run(i)));
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: count }, (_, i) => pool.run(i)));
  const elapsedMs = performance.now() - startedAt;
  await pool.destroy();
  return (count / elapsedMs) * 1000;
}
