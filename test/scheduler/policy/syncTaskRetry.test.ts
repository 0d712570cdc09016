import { describe, expect, it } from 'vitest';
import { AsyncScheduler, SyncTask } from '../../../src/index.js';
import { stopAfterTest } from '../../support/stopAfterTest.js';
import { WORK } from '../../support/syncTasks.js';

describe('retrying a SyncTask', () => {
  it('runs the next attempt on a fresh thread once a timeout terminated the first', async () => {
    const scheduler = stopAfterTest(new AsyncScheduler({ threads: 1, autoStart: true }));
    const task = new SyncTask<[SharedArrayBuffer], number>('spin-then-id', {
      module: WORK,
      export: 'spinFirstThenThreadId',
    });
    const counter = new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT);
    const h = scheduler.submit(task, { args: [counter], timeoutMs: 100, retry: { attempts: 2 } });
    const threadId = await h.result();
    const info = h.info();
    expect(info.attempts).toMatchObject([{ attempt: 1, state: 'TIMED_OUT' }]);
    expect(info.attempt).toBe(2);
    const view = new Int32Array(counter);
    expect(view[0]).toBe(2);
    // The first attempt's thread was terminated: the second ran on its replacement.
    const firstThread = view[6];
    expect(firstThread).toBeGreaterThan(0);
    expect(threadId).not.toBe(firstThread);
  });
});
