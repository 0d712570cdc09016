import type { TaskInfo } from '../tasks/types.js';
import type { LiveTask } from './LiveTask.js';
import { buildTaskInfo } from './taskInfo.js';

/**
 * A task's info as it is now: its state as last reported, its actor's timestamps, and for a
 * running task the time it has run up to `now`.
 */
export function liveTaskInfo(record: LiveTask, now: number): TaskInfo {
  return buildTaskInfo(record, record.state, record, now);
}

/** The {@link liveTaskInfo} of each record, in the order given, all measured to `now`. */
export function liveTaskInfos(records: Iterable<LiveTask>, now: number): TaskInfo[] {
  const infos: TaskInfo[] = [];
  for (const record of records) infos.push(liveTaskInfo(record, now));
  return infos;
}
