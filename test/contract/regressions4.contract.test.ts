// Found by the fourth black-box round, fixed since. Invariant 2: "each timestamp is set once,
// when its state is entered", and `inspect` is "passed to every actor". A SchedulerThread task's
// actor (seen through `inspect`) used to enter SUBMITTED later than its TaskInfo said: the main
// side stamped `submit` at submitTask(), the lane thread's engine stamped it again when the
// message arrived. The main side's time now travels with the submit message.
import { threadId } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import { AsyncTask, SchedulerThread } from '../../src/index.js';
import { threadBodies, until } from './helpers.js';

const made: SchedulerThread[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((s) => s.stop({ cancel: true })));
});

it("a SchedulerThread task actor's context.ts.submit is the task's TaskInfo ts.submit", async () => {
  const snapshots: { sessionId: string; value: string; ts: Record<string, number> }[] = [];
  const s = new SchedulerThread('deviation4', {
    inspect: (e: unknown) => {
      const event = e as {
        type: string;
        actorRef: { sessionId: string };
        snapshot?: { value: unknown; context?: { ts?: Record<string, number> } };
      };
      if (event.type !== '@xstate.snapshot' || event.snapshot?.context?.ts === undefined) return;
      snapshots.push({
        sessionId: event.actorRef.sessionId,
        value: String(event.snapshot.value),
        ts: event.snapshot.context.ts,
      });
    },
  });
  made.push(s);
  s.start();
  const id = s.submitTask(
    new AsyncTask('delay', { module: threadBodies, export: 'delay' }),
    1,
    'v',
  );
  const info = await s.waitTask(id);
  await until(() => snapshots.some((x) => x.value === 'DONE'), 3_000, 'the DONE snapshot');
  const done = snapshots.find((x) => x.value === 'DONE')!;
  expect(threadId).toBe(0);
  expect(done.ts.start).toBe(info.ts.start); // the later timestamps do agree
  expect(done.ts.submit).toBe(info.ts.submit); // actual: later by the thread's start-up time
});
