import { afterEach, describe, expect, it } from 'vitest';
import { AsyncScheduler, SchedulerThread, SyncTask, TaskState } from '../../src/index.js';

/*
 * Review (taskQueries.ts cloneArgs): the args were cloned one by one (`args.map(structuredClone)`),
 * so two args that are the same object (or that share a nested object) arrived in the thread as
 * two unrelated copies (fixed: one clone of the list). A structured clone of the args as a whole, which postMessage did before
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
  it.each([
    ['AsyncScheduler SyncTask', () => new AsyncScheduler()],
    ['SchedulerThread', () => new SchedulerThread('review-aliasing')],
  ])('%s: the body sees them as one object', async (_lane, create) => {
    const scheduler = create();
    stops.push(() => scheduler.stop({ cancel: true }));
    scheduler.start();
    const shared = { n: 1 };
    const id = scheduler.submitTask(sameObject, shared, shared);
    const info = await scheduler.waitTask(id);
    expect(info.state).toBe(TaskState.DONE);
    expect(info.result).toBe(true);
  });
});
