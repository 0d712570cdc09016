// How the library's threads start, tried as a user runs node: each case is a child process on
// the built package (dist/), started with the flags under test.
import { describe, expect, it } from 'vitest';
import { runChild } from './childProcess.js';
import { contractFixture } from './helpers.js';

/** A child's eval code: runs the fixture given as its first argument. */
const IMPORT_FIXTURE =
  "import { pathToFileURL } from 'node:url'; await import(pathToFileURL(process.argv[1]).href);";

/** How long a child may take before its test fails (it should end in about a second). */
const LIMIT_MS = 15_000;

interface TaskOutcome {
  state: string;
  result?: unknown;
  code?: string;
  taskId?: boolean;
  cause?: string;
  errors: string[];
}

async function runThreadStart(
  nodeArgs: string[],
): Promise<Record<'thread' | 'threadSync' | 'sync', TaskOutcome>> {
  const { code, out, err } = await runChild('threadStart.mjs', [], { nodeArgs, limitMs: LIMIT_MS });
  expect(code, err).toBe(0);
  return JSON.parse(out) as Record<'thread' | 'threadSync' | 'sync', TaskOutcome>;
}

describe('SchedulerThread and SyncTask executor threads', () => {
  describe('started from a `node -e` script', () => {
    it.each([
      [['--input-type=module', '-e', IMPORT_FIXTURE]],
      [['--input-type', 'module', '--eval', IMPORT_FIXTURE]],
    ])(
      'run their tasks: the eval flags are not passed on to the threads (%j)',
      async (nodeArgs) => {
        const { thread, threadSync, sync } = await runThreadStart(nodeArgs);
        expect(thread).toEqual({ state: 'DONE', result: 'lane', errors: [] });
        expect(threadSync).toEqual({ state: 'DONE', result: 5, errors: [] });
        expect(sync).toEqual({ state: 'DONE', result: 3, errors: [] });
      },
      LIMIT_MS + 5_000,
    );
  });

  describe('when no thread can start', () => {
    it(
      'fail the queued task with ERR_THREAD_START_FAILED past the restart limit, on errors$ too, and the process exits',
      async () => {
        const refuse = contractFixture('refuseWorkerThreads.mjs').href;
        const { thread, threadSync, sync } = await runThreadStart(['--import', refuse]);
        const startError = 'refuseWorkerThreads.mjs: no worker thread may start';
        for (const outcome of [thread, threadSync, sync]) {
          expect(outcome).toMatchObject({
            state: 'FAILED',
            code: 'ERR_THREAD_START_FAILED',
            cause: startError,
          });
          // Each failed start is reported as it happens; giving up, once.
          expect(outcome.errors.filter((code) => code === 'ERR_THREAD_START_FAILED')).toEqual([
            'ERR_THREAD_START_FAILED',
          ]);
          expect(outcome.errors.slice(0, 2)).toEqual(['ERR_WORKER_CRASHED', 'ERR_WORKER_CRASHED']);
        }
        expect([thread.taskId, threadSync.taskId]).toEqual([true, true]);
      },
      LIMIT_MS + 5_000,
    );
  });
});
