/**
 * The peers the scheduler is measured against, each doing the same no-op work.
 */
import PQueue from 'p-queue';
import { createActor, setup } from 'xstate';

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
