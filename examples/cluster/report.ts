/**
 * The cluster demo's closing report: its tasks in one table, the proof that each ended in
 * exactly one final state, where they ran, and what became of the jobs a killed worker held.
 */
import {
  formatTasks,
  isFinished,
  TaskState,
  type TaskInfo,
  type TaskTransition,
} from 'async-scheduler';
import type { BullMQScheduler } from 'async-scheduler/bullmq';
import type { JobPlacements } from './jobPlacements.js';
import type { Kill } from './killWhenBusy.js';

/** formatTasks' id column: the last characters of a task id. */
const SHORT_ID_LENGTH = 12;
/** Past this many tasks (a long `--keep` run), the table leaves out those DONE at once. */
const MAX_TABLE_ROWS = 60;
const FINAL_STATES = [
  TaskState.DONE,
  TaskState.FAILED,
  TaskState.TIMED_OUT,
  TaskState.CANCELED,
] as const;

/** Counts, per task, the transitions into a final state that `transitions$` carried. */
export class FinalStateCount {
  readonly #finals = new Map<string, TaskState[]>();

  /** Follows one scheduler's transitions (subscribe before the first submit). */
  constructor(transitions$: { subscribe(next: (t: TaskTransition) => void): unknown }) {
    transitions$.subscribe((t) => {
      if (!isFinished(t.to)) return;
      this.#finals.set(t.id, [...(this.#finals.get(t.id) ?? []), t.to]);
    });
  }

  /** The final states `id` entered (one, for a task that ended; none for one still live). */
  of(id: string): readonly TaskState[] {
    return this.#finals.get(id) ?? [];
  }
}

/** What the demo hands the report. */
export interface ReportInput {
  readonly scheduler: BullMQScheduler;
  readonly ids: readonly string[];
  readonly finals: FinalStateCount;
  readonly placements: JobPlacements;
  readonly workers: readonly { readonly name: string; readonly pid: number }[];
  /** The worker killed with SIGKILL, if one was. */
  readonly kill: Kill | undefined;
}

/** The whole report, as lines of text. */
export function clusterReport(input: ReportInput): string {
  return [
    taskTable(input),
    '',
    accounting(input),
    '',
    placementLines(input),
    ...(input.kill === undefined ? [] : ['', handedBackLines(input, input.kill)]),
  ].join('\n');
}

function taskTable({ scheduler, ids }: ReportInput): string {
  const infos = scheduler.dumpTask();
  if (infos.length <= MAX_TABLE_ROWS) return `Every task (${ids.length}):\n${formatTasks(infos)}`;
  const notable = infos.filter((info) => info.state !== TaskState.DONE || info.attempt > 1);
  return (
    `The ${notable.length} of ${ids.length} tasks that did not end DONE at their first attempt:\n` +
    formatTasks(notable)
  );
}

/** How many tasks reached one final state, none, or more than one; and the count per state. */
function accounting({ ids, finals }: ReportInput): string {
  const perState = new Map<TaskState, number>(FINAL_STATES.map((state) => [state, 0]));
  let once = 0;
  let live = 0;
  let twice = 0;
  for (const id of ids) {
    const states = finals.of(id);
    if (states.length === 0) live++;
    else if (states.length > 1) twice++;
    else once++;
    for (const state of states) perState.set(state, (perState.get(state) ?? 0) + 1);
  }
  const counts = FINAL_STATES.map((state) => `${state} ${perState.get(state) ?? 0}`).join(', ');
  return (
    `Accounted for: ${once} of ${ids.length} tasks ended in exactly one final state (${counts}); ` +
    `${live} never ended, ${twice} ended more than once.`
  );
}

function placementLines({ workers, placements, kill }: ReportInput): string {
  const lines = workers.map((worker) => {
    const fate =
      kill?.worker.name === worker.name
        ? `, killed with SIGKILL at ${(kill.atMs / 1000).toFixed(1)} s while it ran ${kill.held.length} of them`
        : '';
    return `  ${worker.name} (pid ${worker.pid}): started ${placements.startsBy(worker.name)} attempts${fate}`;
  });
  return ['Where they ran (the worker BullMQ recorded on each job as it started):', ...lines].join(
    '\n',
  );
}

function handedBackLines({ scheduler, placements }: ReportInput, kill: Kill): string {
  if (kill.held.length === 0) return `${kill.worker.name} held no job when it was killed.`;
  const rows = kill.held.map((id) => {
    const info = scheduler.taskInfo(id);
    const path = placements.attemptsOf(id).join(' → ');
    return `  ${id.slice(-SHORT_ID_LENGTH)}  ${info.name.padEnd(16)}  ${path}: ${outcome(info)}`;
  });
  return [
    `The jobs ${kill.worker.name} held when it was killed, handed back by BullMQ's stalled-job check:`,
    ...rows,
  ].join('\n');
}

/** How a task ended: its state, the attempts its dead worker cost, and its error if any. */
function outcome(info: TaskInfo): string {
  const lost = info.attempts.filter((a) => a.error?.name === 'WorkerCrashedError').length;
  const attempts = lost > 0 ? ` at attempt ${info.attempt} (${lost} lost with the worker)` : '';
  const error =
    info.state === TaskState.DONE || info.error === undefined
      ? ''
      : `: ${info.error.name}: ${info.error.message}`;
  return `${info.state}${attempts}${error}`;
}
