import type { TaskAttempt, TaskInfo } from '../tasks/types.js';
import type { AttemptView, TaskRow } from './types.js';

/** The part of a TaskInfo a table shows: never args or results (they may not be JSON). */
export function toTaskRow(info: TaskInfo): TaskRow {
  const row: { -readonly [K in keyof TaskRow]: TaskRow[K] } = {
    id: info.id,
    name: info.name,
    state: info.state,
    type: info.type,
  };
  if (info.ts.start !== undefined) row.start = info.ts.start;
  if (info.waitMs !== undefined) row.waitMs = info.waitMs;
  if (info.runMs !== undefined) row.runMs = info.runMs;
  const detail = info.error?.message ?? info.reason;
  if (detail !== undefined) row.detail = detail;
  if (info.attempt > 1) row.attempt = info.attempt;
  if (info.attempts.length > 0) row.attempts = info.attempts.map(toAttemptView);
  if (info.runAfter !== undefined) row.runAfter = info.runAfter;
  return row;
}

function toAttemptView(attempt: TaskAttempt): AttemptView {
  const view: AttemptView = {
    attempt: attempt.attempt,
    state: attempt.state,
    start: attempt.start,
    end: attempt.end,
  };
  const { error } = attempt;
  return error === undefined ? view : { ...view, error: `${error.name}: ${error.message}` };
}
