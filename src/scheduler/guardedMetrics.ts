import type { Observable } from 'rxjs';
import { createMetricsStream, type LaneMetricsSource } from '../metrics/createMetricsStream.js';
import type { LaneMetrics } from '../metrics/types.js';
import { guardObservable, subscriberErrorsTo } from './GuardedStream.js';
import type { TransitionReporter } from './ledger/TransitionReporter.js';

/**
 * A lane's `metrics$` as its users get it: the shared stream of {@link createMetricsStream},
 * with what a subscriber throws reported on the lane's `errors$` (code `ERR_SUBSCRIBER_FAILED`)
 * instead of being rethrown by RxJS, which would crash the process.
 */
export function guardedMetrics(
  source: LaneMetricsSource,
  intervalMs: number,
  reporter: TransitionReporter,
): Observable<LaneMetrics> {
  return guardObservable(
    createMetricsStream(source, intervalMs),
    subscriberErrorsTo('metrics$', (error) => {
      reporter.reportError(error);
    }),
  );
}
