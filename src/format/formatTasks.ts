import type { TaskInfo } from '../tasks/types.js';

/** Options of {@link formatTasks}. */
export interface FormatTasksOptions {
  /** Show the whole id instead of its last 12 characters. @default false */
  fullIds?: boolean;
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

function note(info: TaskInfo): string {
  if (info.reason !== undefined) return info.reason;
  if (info.error !== undefined) return `${info.error.name}: ${info.error.message}`;
  return '';
}

/**
 * A readable table of tasks, one row each, as the Python `dump_task` printed: id, name, state,
 * priority, submit/start/end clock times (UTC, millisecond precision), wait and run time in ms
 * (microsecond precision), and the reason or error.
 *
 * @example
 * ```ts
 * import { formatTasks } from 'async-scheduler';
 *
 * console.log(formatTasks(scheduler.slowest(5)));
 * ```
 */
export function formatTasks(infos: readonly TaskInfo[], options: FormatTasksOptions = {}): string {
  const header = [
    'id',
    'name',
    'state',
    'prio',
    'submit',
    'start',
    'end',
    'wait ms',
    'run ms',
    'note',
  ];
  const rows = infos.map((info) => [
    options.fullIds === true ? info.id : info.id.slice(-SHORT_ID_LENGTH),
    info.name,
    info.state,
    String(info.priority),
    clockTime(info.ts.submit),
    clockTime(info.ts.start),
    clockTime(endOf(info)),
    durationMs(info.waitMs),
    durationMs(info.runMs),
    note(info),
  ]);
  const numeric = new Set([3, 7, 8]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return numeric.has(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
