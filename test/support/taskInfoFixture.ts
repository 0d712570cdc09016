import type { TaskInfo } from '../../src/index.js';

/** A minimal DONE TaskInfo for the retention and ranking tests, with `runMs` if given. */
export function doneInfo(id: string, runMs?: number): TaskInfo {
  return {
    id,
    name: id,
    type: 'async',
    lane: 'main',
    state: 'DONE',
    args: [],
    priority: 0,
    ts: {},
    attempt: 1,
    attempts: [],
    ...(runMs === undefined ? {} : { runMs }),
  };
}
