/**
 * Entry point of a SchedulerThread's lane thread: builds a LaneEngine (its supervisor actor,
 * its task actors, its own executor threads for SyncTasks) from `workerData`, forwards every
 * transition, error and inspection event, and answers the main side's requests.
 *
 * @remarks Like `index.ts`, this file sits on top: it imports the engine and the wire protocol,
 * and nothing in the library imports it (the main side starts it by URL). The lane runs on
 * this thread's own event loop, so a body that blocks it stalls this lane only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { InspectionEvent } from 'xstate';
import type { Execution, ExecutionJob, ExecutionSink, TaskExecutor } from '../actors/executor.js';
import { fromLoop } from '../actors/fromLoop.js';
import { fromWorkerPool } from '../actors/fromWorkerPool.js';
import { systemClock } from '../clock.js';
import { toErrorData } from '../errorData.js';
import { describeThrown } from '../validate.js';
import { SchedulerError, WorkerCrashedError } from '../errors.js';
import type { LiveTask } from '../scheduler/lane/LiveTask.js';
import { TaskLedger } from '../scheduler/ledger/TaskLedger.js';
import { LaneEngine } from '../scheduler/lane/LaneEngine.js';
import type {
  FromLaneThreadMessage,
  LaneThreadInit,
  SubmitMessage,
  ToLaneThreadMessage,
  TransitionMessage,
  TransitionsMessage,
} from '../scheduler/placements/thread/laneThreadMessages.js';
import { toWireInspectionEvent } from '../scheduler/placements/thread/wireInspection.js';
import { WireTransitionEncoder } from '../scheduler/placements/thread/wireTransitions.js';
import { LaneObservation } from './laneObservation.js';
import { TurnBatch } from './TurnBatch.js';

if (parentPort === null) throw new Error('laneWorker must run in a worker thread');
const port = parentPort;
const init = workerData as LaneThreadInit;

/** This turn's transitions: one message per turn, however many tasks moved in it. */
const transitions = new TurnBatch<TransitionMessage>((batch) => {
  try {
    port.postMessage({ type: 'transitions', transitions: batch } satisfies TransitionsMessage);
  } catch {
    // Results are checked before DONE (fromLoopCloneChecked); should one still fail to clone,
    // the main side must learn the tasks moved all the same: each goes alone, as it can.
    for (const transition of batch) postTransitionAlone(transition);
  }
});
process.on('exit', () => {
  transitions.flush();
});

function post(message: FromLaneThreadMessage): void {
  // Nothing overtakes a transition reported before it.
  transitions.flush();
  port.postMessage(message);
}

function postTransitionAlone(transition: TransitionMessage): void {
  const send = (message: TransitionMessage): void => {
    port.postMessage({ type: 'transitions', transitions: [message] } satisfies TransitionsMessage);
  };
  try {
    send(transition);
  } catch (error) {
    send({ ...transition, result: `[result not transferable: ${describeThrown(error)}]` });
  }
}

function postInspection(event: InspectionEvent): void {
  try {
    post({ type: 'inspection', event: toWireInspectionEvent(event) });
  } catch {
    // A payload that does not clone (a body's result that is a function): send the rest.
    post({ type: 'inspection', event: toWireInspectionEvent(event, false) });
  }
}

function postError(error: SchedulerError): void {
  const data = toErrorData(error);
  post({
    type: 'error',
    error: {
      ...data,
      ...(error.taskId === undefined ? {} : { taskId: error.taskId }),
      ...(error instanceof WorkerCrashedError && error.exitCode !== undefined
        ? { exitCode: error.exitCode }
        : {}),
    },
  });
}

/**
 * Runs AsyncTask bodies on this thread's loop, and fails a run whose value cannot cross back to
 * the main thread: as a SyncTask's non-cloneable result does, rather than a DONE without it.
 */
function fromLoopCloneChecked(): TaskExecutor {
  const loop = fromLoop();
  return {
    execute<TJob extends ExecutionJob>(job: TJob, sink: ExecutionSink<TJob>): Execution {
      // The task's STARTED leaves now, before its body can run: a body that blocks this loop
      // would hold back the turn's batch, and the main side's watchdog arms a task's deadline
      // from that report (and must know it STARTED, so a replaced thread never runs it again).
      transitions.flush();
      return loop.execute(job, {
        succeed: (done, value) => {
          try {
            structuredClone(value);
          } catch (error) {
            sink.fail(
              done,
              new TypeError(
                `The task's result could not be sent back to the main thread (structured clone failed): ${describeThrown(error)}`,
              ),
            );
            return;
          }
          sink.succeed(done, value);
        },
        fail: (failed, error) => {
          sink.fail(failed, error);
        },
        ...(sink.blockedThresholdMs === undefined
          ? {}
          : { blockedThresholdMs: sink.blockedThresholdMs }),
        blocked: (job, blockedMs) => {
          sink.blocked?.(job, blockedMs);
        },
      });
    },
  };
}

// The main side keeps the records: this side keeps none once a task is final.
const ledger = new TaskLedger<LiveTask>({ maxFinished: 0, maxAgeMs: Infinity }, systemClock, {});
/** A run the main side resolved to a single attempt: not the lane's own default again. */
const NO_RETRY = Object.freeze({ attempts: 1 });

const engine = new LaneEngine({
  lane: init.lane,
  concurrency: init.concurrency,
  rateLimit: init.rateLimit,
  ledger,
  clock: systemClock,
  executor: fromLoopCloneChecked(),
  createSyncExecutor: fromWorkerPool({
    size: init.threads,
    resourceLimits: init.resourceLimits,
    restart: init.restart,
    clock: systemClock,
  }),
  slowTaskMs: init.slowTaskMs,
  kind: 'thread',
  inspect: init.inspect ? postInspection : undefined,
});
const observation = new LaneObservation(engine, post);

// Compact: the main side has the task's identity, args and earlier stamps already.
const wire = new WireTransitionEncoder();
ledger.reporter.transitions$.subscribe((transition) => {
  transitions.push(wire.encode(transition));
});
ledger.reporter.errors$.subscribe(postError);

function submit(message: SubmitMessage): void {
  const options =
    message.timeoutMs === undefined
      ? { priority: message.priority }
      : { priority: message.priority, timeoutMs: message.timeoutMs };
  const task = { name: message.name, type: message.taskType, run: message.body, options };
  // The main side's delay and retry policy: it resolved them (and made runAt absolute) at submit.
  const run = { runAt: message.runAt, retry: message.retry ?? NO_RETRY };
  const record = engine.createRecord(task, [...message.args], message.id, run);
  record.attempt = message.attempt;
  engine.submit(record, message.submittedAt);
}

port.on('message', (message: ToLaneThreadMessage) => {
  switch (message.type) {
    case 'start':
      engine.start();
      return;
    case 'submit':
      submit(message);
      return;
    case 'cancel':
      post({
        type: 'cancelReply',
        requestId: message.requestId,
        canceled: engine.cancel(message.id, message.reason),
      });
      return;
    case 'observe':
      observation.observe(message);
      return;
    case 'pause':
      if (message.paused) engine.pause();
      else engine.resume();
      return;
    case 'concurrency':
      engine.setConcurrency(message.concurrency);
      return;
    case 'setPriority':
      engine.setPriority(message.id, message.priority);
      return;
    case 'stop': {
      const { cancel, timeoutMs, limitMs } = message;
      void engine.stop({ cancel, timeoutMs, limitMs }).then(() => {
        post({ type: 'stopped', requestId: message.requestId });
      });
      return;
    }
  }
});
post({ type: 'ready' });
