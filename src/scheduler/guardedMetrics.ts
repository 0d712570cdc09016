import type { Observable } from 'rxjs';
import type { LaneMetrics } from '../metrics/types.js';
import { guardObservable, subscriberErrorsTo } from './GuardedStream.js';
import type { TransitionReporter } from './TransitionReporter.js';

/**
 * A lane's `metrics$` as its users get it: what a subscriber throws is reported on the lane's
 * `errors$` (code `ERR_SUBSCRIBER_FAILED`) instead of being rethrown by RxJS, which would crash
 * the process.
 */
export function guardedMetrics(
  metrics$: Observable<LaneMetrics>,
  reporter: TransitionReporter,
): Observable<LaneMetrics> {
  return guardObservable(
    metrics$,
    subscriberErrorsTo('metrics$', (error) => {
      reporter.reportError(error);
    }),
  );
}
