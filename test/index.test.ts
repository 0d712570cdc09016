import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import * as dashboard from '../src/dashboard/index.js';
import * as inspect from '../src/inspect/index.js';

describe('index', () => {
  it('exports the classes, values and helpers of the public contract', () => {
    for (const name of [
      'AsyncScheduler',
      'AsyncTask',
      'SchedulerError',
      'UnknownTaskError',
      'SchedulerStoppedError',
      'TaskTimeoutError',
      'TaskCanceledError',
      'WorkerCrashedError',
      'WaitTimeoutError',
      'formatTasks',
      'isRunning',
      'isFinished',
    ] as const) {
      expect(typeof api[name], name).toBe('function');
    }
    expect(api.TaskState.DONE).toBe('DONE');
    expect(api.taskMachine.id).toBe('task');
  });

  it('leaves the dashboard and the inspection tools to their own entry points', () => {
    const names = Object.keys(api);
    for (const name of [
      'serveDashboard',
      'DashboardListenError',
      'filterInspection',
      'createInspectionRecorder',
      'readInspectionRecording',
      'replayInspection',
      'systemClock',
    ]) {
      expect(names, name).not.toContain(name);
    }
    expect(Object.keys(dashboard).sort()).toEqual(['DashboardListenError', 'serveDashboard']);
    expect(Object.keys(inspect).sort()).toEqual([
      'createInspectionRecorder',
      'filterInspection',
      'readInspectionRecording',
      'replayInspection',
    ]);
  });

  it('makes every error class a SchedulerError and an Error', () => {
    for (const ErrorClass of [
      api.UnknownTaskError,
      api.SchedulerStoppedError,
      api.TaskTimeoutError,
      api.TaskCanceledError,
      api.WorkerCrashedError,
      api.WaitTimeoutError,
    ]) {
      expect(ErrorClass.prototype).toBeInstanceOf(api.SchedulerError);
      expect(ErrorClass.prototype).toBeInstanceOf(Error);
    }
  });

  it('exports nothing of the engine inside', () => {
    const names = Object.keys(api);
    for (const internal of [
      'LaneEngine',
      'TaskRegistry',
      'PriorityQueue',
      'FinishedStore',
      'GuardedStream',
      'fromLoop',
      'createIdFactory',
      'LoopBlockDetector',
      'createMetricsStream',
      'guardInspection',
    ]) {
      expect(names).not.toContain(internal);
    }
  });

  it('runs the example of the README end to end', async () => {
    const scheduler = new api.AsyncScheduler({ concurrency: 8 });
    scheduler.start();
    const id = scheduler.submitTask(
      new api.AsyncTask('hello', ({ args: [who] }) => `hi ${String(who)}`),
      'Ada',
    );
    await expect(scheduler.result(id)).resolves.toBe('hi Ada');
    await scheduler.stop();
    expect(scheduler.taskState(id)).toBe('DONE');
  });
});
