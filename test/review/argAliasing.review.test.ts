import { afterEach, describe, expect, it } from 'vitest';
import { AsyncScheduler, SchedulerThread, SyncTask, TaskState } from '../../src/index.js';

/*
 * Review (taskQueries.ts cloneArgs): the args are cloned one by one (`args.map(structuredClone)`),
 * so two args that are the same object (or that share a nested object) arrive in the thread as
 * two unrelated copies. A structured clone of the args as a whole, which postMessage did before
 * (c84ecf6), keeps that sharing, as structured clone always does within one value.
 */
const BODY = `export default function sameObject({ args: [a, b] }) { return a === b; }`;
const sameObject = new SyncTask<[object, object], boolean>('sameObject', {
  module: `data:text/javascript,${encodeURIComponent(BODY)}`,
});

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

describe('args that are one object, sent to a thread', () => {
  it('AsyncScheduler SyncTask: the body sees them as one object', async () => {
    const scheduler = new AsyncScheduler();
    stops.push(() => scheduler.stop({ cancel: true }));
    scheduler.start();
    const shared = { n: 1 };
    const id = scheduler.submitTask(sameObject, shared, shared);
    const info = await scheduler.waitTask(id);
    expect(info.state).toBe(TaskState.DONE);
    expect(info.result).toBe(true);
  });

  it('SchedulerThread: the body sees them as one object', async () => {
    const scheduler = new SchedulerThread('review-aliasing');
    stops.push(() => scheduler.stop({ cancel: true }));
    scheduler.start();
    const shared = { n: 1 };
    const id = scheduler.submitTask(sameObject, shared, shared);
    const info = await scheduler.waitTask(id);
    expect(info.state).toBe(TaskState.DONE);
    expect(info.result).toBe(true);
  });
});
