import type { TaskInfo } from '../tasks/types.js';
import { attemptsNote, describeError } from './attemptsNote.js';

/** Options of {@link formatTasks}. */
export interface FormatTasksOptions {
  /** Show the whole id (and repeat id) instead of its last 12 characters. @default false */
  fullIds?: boolean;
  /**
   * The time, epoch ms, to measure "run after" against: with it, a waiting task's `runAfter`
   * also says how long until then (`in 250.000 ms`). Pass the scheduler clock's `now()`.
   * @default undefined (clock times only)
   */
  now?: number;
}

const SHORT_ID_LENGTH = 12;

function clockTime(epochMs: number | undefined): string {
  if (epochMs === undefined) return '-';
  // HH:MM:SS.mmm in UTC: timestamps are epoch ms, and a table must read the same everywhere.
  return new Date(epochMs).toISOString().slice(11, 23);
}

function durationMs(ms: number | undefined): string {
  return ms === undefined ? '-' : ms.toFixed(3);
}

function endOf(info: TaskInfo): number | undefined {
  const { ts } = info;
  return ts.done ?? ts.error ?? ts.timeout ?? ts.cancel;
}

function runAfter(info: TaskInfo, now: number | undefined): string {
  if (info.runAfter === undefined) return '-';
  const at = clockTime(info.runAfter);
  if (now === undefined) return at;
  const untilMs = info.runAfter - now;
  return untilMs > 0 ? `${at} in ${durationMs(untilMs)} ms` : `${at} due`;
}

function note(info: TaskInfo): string {
  const parts: string[] = [];
  const attempts = attemptsNote(info);
  if (attempts !== undefined) parts.push(attempts);
  if (info.reason !== undefined) parts.push(info.reason);
  else if (info.error !== undefined) parts.push(describeError(info.error));
  return parts.join('; ');
}

/** One column: its title, how a task fills it, and whether it is shown at all. */
interface Column {
  readonly title: string;
  readonly numeric?: boolean;
  readonly cell: (info: TaskInfo) => string;
  /** Shown only when some task has something to put in it; always shown when absent. */
  readonly shownFor?: (info: TaskInfo) => boolean;
}

function columns(options: FormatTasksOptions): Column[] {
  const shortId = (id: string): string =>
    options.fullIds === true ? id : id.slice(-SHORT_ID_LENGTH);
  return [
    { title: 'id', cell: (info) => shortId(info.id) },
    { title: 'name', cell: (info) => info.name },
    { title: 'state', cell: (info) => info.state },
    { title: 'prio', numeric: true, cell: (info) => String(info.priority) },
    {
      title: 'repeat',
      cell: (info) => (info.repeatId === undefined ? '-' : shortId(info.repeatId)),
      shownFor: (info) => info.repeatId !== undefined,
    },
    { title: 'submit', cell: (info) => clockTime(info.ts.submit) },
    {
      title: 'run after',
      cell: (info) => runAfter(info, options.now),
      shownFor: (info) => info.runAfter !== undefined,
    },
    { title: 'start', cell: (info) => clockTime(info.ts.start) },
    { title: 'end', cell: (info) => clockTime(endOf(info)) },
    { title: 'wait ms', numeric: true, cell: (info) => durationMs(info.waitMs) },
    { title: 'run ms', numeric: true, cell: (info) => durationMs(info.runMs) },
    { title: 'note', cell: note },
  ];
}

/**
 * A readable table of tasks, one row each, as the Python `dump_task` printed: id, name, state,
 * priority, submit/start/end clock times (UTC, millisecond precision), wait and run time in ms
 * (microsecond precision), and a note: the attempt of a retried task with how its earlier
 * attempts ended (`attempt 3 (2 failed)`), then the reason or error.
 *
 * @remarks Two columns appear only when some task has a value for them: `repeat` (the
 * `repeat()` schedule a task is an occurrence of) and `run after` (when a waiting task may
 * start, after a delay or a retry's backoff; with `options.now`, also how long until then).
 * `ts.start` and `ts.end` of a retried task are its latest attempt's.
 *
 * @example
 * ```ts
 * import { formatTasks } from 'async-scheduler';
 *
 * console.log(formatTasks(scheduler.slowest(5)));
 * console.log(formatTasks(scheduler.dumpTask(), { now: Date.now() }));
 * ```
 */
export function formatTasks(infos: readonly TaskInfo[], options: FormatTasksOptions = {}): string {
  const shown = columns(options).filter(
    (column) => column.shownFor === undefined || infos.some(column.shownFor),
  );
  const header = shown.map((column) => column.title);
  const rows = infos.map((info) => shown.map((column) => column.cell(info)));
  const widths = header.map((title, index) =>
    Math.max(title.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => {
        const width = widths[index] ?? 0;
        return shown[index]?.numeric === true ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
