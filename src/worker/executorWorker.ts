/**
 * Entry point of an executor thread: runs one SyncTask body at a time and reports back.
 *
 * @remarks Like `index.ts`, this file sits on top: it imports the wire protocol, and nothing in
 * the library imports it (the pool starts it by URL). A body that never returns is stopped by
 * the main side terminating this thread.
 */
import { parentPort } from 'node:worker_threads';
import type {
  FailMessage,
  FromThreadMessage,
  RunMessage,
  ToThreadMessage,
} from '../actors/threadMessages.js';
import { importTaskModule } from '../actors/loadTaskModule.js';
import { settleReturned } from '../actors/settleReturned.js';
import { isErrorSafely, taskFailure, toErrorData } from '../errorData.js';
import { SchedulerErrorCode } from '../errors.js';
import { describeThrown } from '../validate.js';
import type { TaskContext, TaskErrorData, TaskFn } from '../tasks/types.js';

if (parentPort === null) throw new Error('executorWorker must run in a worker thread');
const port = parentPort;

function post(message: FromThreadMessage): void {
  port.postMessage(message);
}

function fail(runId: number, thrown: unknown, task: RunMessage): void {
  if (isErrorSafely(thrown) !== false) {
    // An Error, or a value whose `instanceof` or fields throw (then ERR_HOSTILE_VALUE): read
    // once, as untrusted data.
    const { data } = taskFailure(thrown, { name: task.name, id: task.taskId });
    // Our own error of a module that did not load: its cause (the loader's) crosses too.
    const cause =
      data.code === SchedulerErrorCode.TASK_MODULE_LOAD_FAILED ? loaderCause(thrown) : {};
    post({ type: 'fail', runId, error: data, nonError: false, ...cause });
    return;
  }
  const message: FailMessage = { type: 'fail', runId, error: toErrorData(thrown), nonError: true };
  // A thrown non-Error value goes back as itself, as an AsyncTask's would be kept.
  try {
    post({ ...message, value: thrown });
  } catch {
    // Not cloneable (a function, a symbol, a Proxy): its text in `error.message` has to do.
    post(message);
  }
}

/**
 * The `cause` of an error coded as a module that did not load, as data. Read with care: a body
 * can throw an error that only pretends to be ours, and whose `cause` getter throws.
 */
function loaderCause(thrown: unknown): { cause?: TaskErrorData } {
  try {
    return { cause: toErrorData((thrown as Error).cause) };
  } catch {
    // Unreadable: the message already carries the loader's reason; no cause crosses.
    return {};
  }
}

/** Loaded bodies by module and export: a thread runs the same few bodies many times. */
const bodies = new Map<string, TaskFn<readonly unknown[]>>();

async function loadBody(message: RunMessage): Promise<TaskFn<readonly unknown[]>> {
  const key = `${message.moduleHref}#${message.exportName}`;
  const cached = bodies.get(key);
  if (cached !== undefined) return cached;
  const loaded = await importTaskModule(message.name, message.moduleHref, message.exportName);
  const fn = loaded[message.exportName];
  if (typeof fn !== 'function') {
    throw new TypeError(
      `Expected export "${message.exportName}" of ${message.moduleHref} to be a task function, got ${fn === undefined ? 'nothing (no such export)' : typeof fn}`,
    );
  }
  bodies.set(key, fn as TaskFn<readonly unknown[]>);
  return fn as TaskFn<readonly unknown[]>;
}

async function run(message: RunMessage): Promise<void> {
  const { runId } = message;
  let returned: unknown;
  try {
    const body = await loadBody(message);
    const ctx: TaskContext<readonly unknown[]> = {
      id: message.taskId,
      name: message.name,
      lane: message.lane,
      args: message.args,
      // Stopping a sync body is the main side's job (it terminates this thread); the signal
      // is there so the same body can also run as an AsyncTask.
      signal: new AbortController().signal,
    };
    returned = body(ctx);
  } catch (error) {
    fail(runId, error, message);
    return;
  }
  settleReturned(
    returned,
    { name: message.name, id: message.taskId },
    {
      succeed: (value) => {
        postDone(message, value);
      },
      fail: (error) => {
        fail(runId, error, message);
      },
    },
  );
}

function postDone(message: RunMessage, value: unknown): void {
  try {
    post({ type: 'done', runId: message.runId, value });
  } catch (error) {
    fail(
      message.runId,
      new TypeError(
        `The task's result could not be sent back to the main thread (structured clone failed): ${describeThrown(error)}`,
      ),
      message,
    );
  }
}

/** A module that fails to preload is not an error yet: the task that runs it reports it. */
function leaveForTheRun(): void {
  // The import is tried again (and its error reported) when a task needs the module.
}

port.on('message', (message: ToThreadMessage) => {
  if (message.type === 'preload') {
    // Node's module cache keeps them: the first run's `import()` then resolves at once.
    for (const href of message.moduleHrefs) import(href).catch(leaveForTheRun);
    return;
  }
  void run(message);
});
post({ type: 'ready' });
