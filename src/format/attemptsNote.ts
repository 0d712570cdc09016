import type { TaskAttempt, TaskErrorData, TaskInfo } from '../tasks/types.js';

/** How an earlier attempt's end reads in a note. */
const OUTCOME_WORDS: Readonly<Record<TaskAttempt['state'], string>> = {
  FAILED: 'failed',
  TIMED_OUT: 'timed out',
};

/** `Name: message`, as a task's error reads in a table. */
export function describeError(error: TaskErrorData): string {
  return `${error.name}: ${error.message}`;
}

/**
 * A retried task's attempt and how its earlier attempts ended, compactly: `attempt 3 (2
 * failed)`, `attempt 4 (2 failed, 1 timed out)`; undefined for a task on its first attempt.
 */
export function attemptsNote(info: Pick<TaskInfo, 'attempt' | 'attempts'>): string | undefined {
  if (info.attempt <= 1 && info.attempts.length === 0) return undefined;
  const counts = new Map<TaskAttempt['state'], number>();
  for (const { state } of info.attempts) counts.set(state, (counts.get(state) ?? 0) + 1);
  const outcomes = [...counts].map(([state, count]) => `${count} ${OUTCOME_WORDS[state]}`);
  return outcomes.length === 0
    ? `attempt ${info.attempt}`
    : `attempt ${info.attempt} (${outcomes.join(', ')})`;
}
