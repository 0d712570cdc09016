import { filter, type Observable } from 'rxjs';
import type { LoopBlockedWarning, SchedulerWarning } from '../../src/index.js';

/** A scheduler's blocked-loop warnings only (its `warnings$` carries other kinds too). */
export function loopBlocked(scheduler: {
  readonly warnings$: Observable<SchedulerWarning>;
}): Observable<LoopBlockedWarning> {
  return scheduler.warnings$.pipe(
    filter((warning): warning is LoopBlockedWarning => warning.type === 'loop.blocked'),
  );
}
