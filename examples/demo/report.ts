/**
 * The demo's closing report: per lane, the final states and the wait and run percentiles of
 * every task; the warnings; the slowest tasks of all lanes; a retried task's attempts; one
 * task's timestamps up close.
 */
import {
  TaskState,
  formatTasks,
  type FinalTaskState,
  type LoopBlockedWarning,
  type TaskInfo,
} from 'async-scheduler';

const FINAL_STATES: readonly FinalTaskState[] = [
  TaskState.DONE,
  TaskState.FAILED,
  TaskState.TIMED_OUT,
  TaskState.CANCELED,
];
const PERCENTILES = [50, 90, 99] as const;

/** The `p`th percentile of ascending `sorted` values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? 0;
}

function spread(values: number[]): string {
  const sorted = values.sort((a, b) => a - b);
  const figures = [...PERCENTILES.map((p) => percentile(sorted, p)), sorted.at(-1) ?? 0];
  return figures.map((value) => value.toFixed(1).padStart(7)).join(' ');
}

/** What each lane ended with: counts per final state, wait and run percentiles. */
export function laneTable(infosByLane: ReadonlyMap<string, readonly TaskInfo[]>): string {
  const header =
    'lane     tasks   DONE FAILED TIMED_OUT CANCELED |   wait ms p50     p90     p99     max |    run ms p50     p90     p99     max';
  const rows = [...infosByLane].map(([lane, infos]) => {
    const counts = FINAL_STATES.map((state) => infos.filter((info) => info.state === state).length);
    const waits = infos.flatMap((info) => (info.waitMs === undefined ? [] : [info.waitMs]));
    const runs = infos.flatMap((info) => (info.runMs === undefined ? [] : [info.runMs]));
    const [done, failed, timedOut, canceled] = counts.map(String);
    return (
      `${lane.padEnd(8)} ${String(infos.length).padStart(5)} ${done?.padStart(6)} ${failed?.padStart(6)} ` +
      `${timedOut?.padStart(9)} ${canceled?.padStart(8)} |    ${spread(waits)} |    ${spread(runs)}`
    );
  });
  return [header, ...rows].join('\n');
}

/** The warnings, grouped by lane and task: how many, the longest, and the hint once. */
export function warningSummary(warnings: readonly LoopBlockedWarning[]): string {
  if (warnings.length === 0) return '  none';
  const groups = new Map<string, { count: number; longestMs: number; first: LoopBlockedWarning }>();
  for (const warning of warnings) {
    // Only a timed body is named; a sentinel-only block is not pinned on the tasks it saw.
    const key = `${warning.lane}: ${warning.task?.name ?? 'not attributed to a task'}`;
    const group = groups.get(key);
    if (group === undefined)
      groups.set(key, { count: 1, longestMs: warning.blockedMs, first: warning });
    else {
      group.count++;
      group.longestMs = Math.max(group.longestMs, warning.blockedMs);
    }
  }
  return [...groups]
    .map(
      ([key, { count, longestMs, first }]) =>
        `  ${key}: loop blocked ${count}× (longest ${longestMs.toFixed(0)} ms)\n    → ${first.hint}`,
    )
    .join('\n');
}

/** Each timestamp of a task as UTC clock time, with the time since the one before it. */
export function formatTimestamps(info: TaskInfo): string {
  const order = ['submit', 'schedule', 'start', 'done', 'error', 'timeout', 'cancel'] as const;
  const lines: string[] = [];
  let previous: number | undefined;
  for (const key of order) {
    const at = info.ts[key];
    if (at === undefined) continue;
    const clock = new Date(at).toISOString().slice(11, 23);
    const since = previous === undefined ? '' : `+${(at - previous).toFixed(3)} ms`.padStart(14);
    lines.push(`  ts.${key.padEnd(9)} ${at.toFixed(3)}  ${clock} UTC${since}`);
    previous = at;
  }
  lines.push(`  waitMs ${info.waitMs?.toFixed(3) ?? '-'}   runMs ${info.runMs?.toFixed(3) ?? '-'}`);
  if (info.reason !== undefined) lines.push(`  reason: ${info.reason}`);
  return lines.join('\n');
}

/** The `n` slowest of several lanes' slowest lists, slowest first, as a table. */
export function slowestOfAll(lists: readonly (readonly TaskInfo[])[], n: number): string {
  const all = lists.flat().sort((a, b) => (b.runMs ?? 0) - (a.runMs ?? 0));
  return formatTasks(all.slice(0, n));
}

/** Each earlier attempt of a retried task: how it ended, when, how long it ran, its error. */
export function attemptLines(info: TaskInfo): string {
  return info.attempts
    .map((attempt) => {
      const clock = new Date(attempt.start).toISOString().slice(11, 23);
      const error = attempt.error === undefined ? '' : `: ${attempt.error.message}`;
      const ranMs = (attempt.end - attempt.start).toFixed(1);
      return `  attempt ${attempt.attempt} ${attempt.state} at ${clock} UTC after ${ranMs} ms${error}`;
    })
    .join('\n');
}
