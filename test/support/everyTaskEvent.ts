import {
  cancelEvent,
  doneEvent,
  failEvent,
  retryEvent,
  scheduleEvent,
  startEvent,
  submitEvent,
  timeoutEvent,
  type TaskEvent,
} from '../../src/machines/taskEvents.js';

const error = { name: 'Error', message: 'boom' };

/** One event of every type the task machines know, stamped in lifecycle order. */
export const EVERY_TASK_EVENT: readonly TaskEvent[] = [
  submitEvent(1),
  scheduleEvent(2),
  startEvent(3),
  doneEvent(4, 'result'),
  failEvent(4, error),
  timeoutEvent(4, 'too slow', error),
  cancelEvent(4, 'not needed', error),
  retryEvent(4, 'FAILED', error, 5),
];
