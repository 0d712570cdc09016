/**
 * Timeouts and cancels: a task that runs past its `timeoutMs`, one canceled while it runs and
 * one canceled while still queued. Each body sees its `signal` abort; `result()` rejects with
 * TaskTimeoutError or TaskCanceledError.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AsyncScheduler,
  AsyncTask,
  TaskCanceledError,
  TaskTimeoutError,
  formatTasks,
  type TaskContext,
} from 'async-scheduler';

/** Stands for any awaited I/O: it stops as soon as `signal` aborts. */
async function work({ name, args: [ms], signal }: TaskContext<[number]>): Promise<string> {
  signal.addEventListener('abort', () => {
    console.log(`  ${name}: signal aborted (${String(signal.reason)})`);
  });
  await sleep(ms, undefined, { signal });
  return `${name} finished`;
}

const slowQuery = new AsyncTask('slow-query', work, { timeoutMs: 200 });
const download = new AsyncTask('download', work);
const report = new AsyncTask('report', work);

const s = new AsyncScheduler({ concurrency: 2 });
s.start();

const queryId = s.submitTask(slowQuery, 2_000); // needs 2 s, may take 200 ms
const downloadId = s.submitTask(download, 5_000);
const reportId = s.submitTask(report, 100); // both slots are taken: it waits SCHEDULED

console.log(`report is ${s.taskState(reportId)}; canceling it before it runs`);
console.log(`  cancelTask -> ${await s.cancelTask(reportId, 'report no longer needed')}`);
console.log(`  again      -> ${await s.cancelTask(reportId)} (already final)`);

await sleep(300);
console.log(`download is ${s.taskState(downloadId)} after 300 ms; canceling it mid-run`);
await s.cancelTask(downloadId, 'user pressed stop');

for (const id of [queryId, downloadId, reportId]) {
  try {
    await s.result(id);
  } catch (error) {
    if (error instanceof TaskTimeoutError) {
      console.log(`result(${s.taskInfo(id).name}) rejects: timed out after ${error.timeoutMs} ms`);
    } else if (error instanceof TaskCanceledError) {
      console.log(`result(${s.taskInfo(id).name}) rejects: canceled, ${error.reason}`);
    } else {
      throw error;
    }
  }
}

console.log(`\n${formatTasks(s.dumpTask())}`);
await s.stop();
