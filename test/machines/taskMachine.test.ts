import { createActor, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { taskMachine, type TaskEvent } from '../../src/index.js';

const error = { name: 'Error', message: 'boom' };

const submit: TaskEvent = { type: 'task.submit', at: 1 };
const schedule: TaskEvent = { type: 'task.schedule', at: 2 };
const start: TaskEvent = { type: 'task.start', at: 3 };
const done: TaskEvent = { type: 'task.done', at: 4, result: 'ok' };
const fail: TaskEvent = { type: 'task.fail', at: 4, error };
const timeout: TaskEvent = { type: 'task.timeout', at: 4, reason: 'too slow', error };
const cancel: TaskEvent = { type: 'task.cancel', at: 4, reason: 'no longer needed', error };

function run(...events: TaskEvent[]) {
  const actor = createActor(taskMachine).start();
  for (const event of events) actor.send(event);
  return actor.getSnapshot();
}

describe('taskMachine', () => {
  it('starts in NEW with no timestamps', () => {
    const snapshot = run();
    expect(snapshot.value).toBe('NEW');
    expect(snapshot.context.ts).toEqual({});
  });

  it('walks NEW → SUBMITTED → SCHEDULED → STARTED, stamping each state on entry', () => {
    expect(run(submit).value).toBe('SUBMITTED');
    expect(run(submit, schedule).value).toBe('SCHEDULED');
    const started = run(submit, schedule, start);
    expect(started.value).toBe('STARTED');
    expect(started.context.ts).toEqual({ submit: 1, schedule: 2, start: 3 });
  });

  it('tags STARTED as RUNNING and nothing else', () => {
    expect(run(submit, schedule, start).hasTag('RUNNING')).toBe(true);
    expect(run(submit, schedule).hasTag('RUNNING')).toBe(false);
    expect(run(submit, schedule, start).hasTag('FINISHED')).toBe(false);
  });

  it.each([
    ['DONE', done, 'done'],
    ['FAILED', fail, 'error'],
    ['TIMED_OUT', timeout, 'timeout'],
    ['CANCELED', cancel, 'cancel'],
  ] as const)('ends STARTED in %s, a final state tagged FINISHED', (state, event, key) => {
    const snapshot = run(submit, schedule, start, event);
    expect(snapshot.value).toBe(state);
    expect(snapshot.status).toBe('done');
    expect(snapshot.hasTag('FINISHED')).toBe(true);
    expect(snapshot.context.ts[key]).toBe(4);
  });

  it('records the result of DONE', () => {
    expect(run(submit, schedule, start, done).context.result).toBe('ok');
  });

  it('records the error of FAILED and the reason and error of TIMED_OUT', () => {
    expect(run(submit, schedule, start, fail).context.error).toEqual(error);
    const timedOut = run(submit, schedule, start, timeout).context;
    expect(timedOut.reason).toBe('too slow');
    expect(timedOut.error).toEqual(error);
  });

  it.each([
    ['NEW', []],
    ['SUBMITTED', [submit]],
    ['SCHEDULED', [submit, schedule]],
    ['STARTED', [submit, schedule, start]],
  ] as const)('cancels from %s', (_, before) => {
    const snapshot = run(...before, cancel);
    expect(snapshot.value).toBe('CANCELED');
    expect(snapshot.context.reason).toBe('no longer needed');
    expect(snapshot.context.ts.cancel).toBe(4);
  });

  it('ignores events a state does not accept', () => {
    expect(run(start).value).toBe('NEW');
    expect(run(submit, done).value).toBe('SUBMITTED');
    expect(run(submit, schedule, fail).value).toBe('SCHEDULED');
    expect(run(submit, submit).context.ts).toEqual({ submit: 1 });
  });

  it('never leaves a final state, nor restamps it', () => {
    const later = [done, fail, timeout, cancel, submit, schedule, start].map((e) => ({
      ...e,
      at: 99,
    }));
    for (const final of [done, fail, timeout, cancel]) {
      const ended = run(submit, schedule, start, final);
      for (const event of later) {
        const [next] = transition(taskMachine, ended, event);
        expect(next.value).toBe(ended.value);
        expect(next.context).toEqual(ended.context);
      }
    }
  });
});
