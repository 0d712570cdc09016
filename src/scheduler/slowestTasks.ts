import type { TaskInfo } from '../tasks/types.js';

/**
 * The `n` slowest of `candidates` by `runMs`, slowest first; a task seen twice counts once.
 */
export function slowestTasks(candidates: Iterable<TaskInfo>, n: number): TaskInfo[] {
  const byId = new Map<string, TaskInfo>();
  for (const info of candidates) {
    if (info.runMs !== undefined) byId.set(info.id, info);
  }
  return [...byId.values()].sort((a, b) => (b.runMs ?? 0) - (a.runMs ?? 0)).slice(0, n);
}
