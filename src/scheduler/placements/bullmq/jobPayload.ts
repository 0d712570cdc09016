import type { RetryBackoff } from '../../../tasks/retryPolicy.js';
import type { TaskErrorData, TaskType } from '../../../tasks/types.js';
import { describeValue } from '../../../validate.js';

/** The version of {@link JobPayload} this build writes and reads. */
export const PAYLOAD_VERSION = 1;

/** A task body as a job names it: a worker handler, or a module the worker loads. */
export type JobBody =
  { readonly handler: string } | { readonly module: string; readonly export: string };

/**
 * What a BullMQScheduler stores as a job's data: everything a worker needs to run the task,
 * in JSON. The job's id is the task's id, its name the task's name.
 */
export interface JobPayload {
  readonly v: typeof PAYLOAD_VERSION;
  /** The scheduler's lane name (TaskInfo.lane). */
  readonly lane: string;
  readonly type: TaskType;
  readonly body: JobBody;
  readonly args: readonly unknown[];
  /** Each attempt's limit, ms; absent: none. */
  readonly timeoutMs?: number;
  /** Total attempts (BullMQ's `attempts` too). */
  readonly attempts: number;
  /** The retry backoff, computed by the worker (BullMQ's custom backoff strategy). */
  readonly backoff?: RetryBackoff;
  /** The scheduler's priority (higher first); BullMQ's own is derived from it. */
  readonly priority: number;
  /** When `submitTask` was called, epoch ms. */
  readonly submittedAt: number;
  /** The `repeat()` schedule it is an occurrence of. */
  readonly repeatId?: string;
  /** The idempotency key it was submitted with. */
  readonly key?: string;
}

/** The custom event a worker publishes when an attempt ends other than DONE. */
export const ATTEMPT_EVENT = 'async-scheduler:attempt';

/** How an attempt ended other than DONE, as the worker saw it. */
export interface AttemptReport {
  readonly jobId: string;
  /** 1-based. */
  readonly attempt: number;
  readonly outcome: 'FAILED' | 'TIMED_OUT' | 'CANCELED';
  readonly error: TaskErrorData;
  /** Why it was canceled or timed out. */
  readonly reason?: string;
}

/** The fields of an {@link ATTEMPT_EVENT} in the queue's event stream (strings only). */
export function attemptEventFields(report: AttemptReport): {
  eventName: string;
  jobId: string;
  attempt: string;
  outcome: string;
  error: string;
  reason: string;
} {
  return {
    eventName: ATTEMPT_EVENT,
    jobId: report.jobId,
    attempt: String(report.attempt),
    outcome: report.outcome,
    error: JSON.stringify(report.error),
    reason: report.reason ?? '',
  };
}

/** Reads an {@link ATTEMPT_EVENT}'s fields back; undefined for fields it cannot read. */
export function readAttemptEvent(fields: Record<string, string>): AttemptReport | undefined {
  const { jobId, attempt, outcome, error, reason } = fields;
  if (jobId === undefined || error === undefined) return undefined;
  if (outcome !== 'FAILED' && outcome !== 'TIMED_OUT' && outcome !== 'CANCELED') return undefined;
  let data: TaskErrorData;
  try {
    data = JSON.parse(error) as TaskErrorData;
  } catch {
    return undefined;
  }
  return {
    jobId,
    attempt: Number(attempt),
    outcome,
    error: data,
    ...(reason === undefined || reason === '' ? {} : { reason }),
  };
}

/** True for a body a job may name: a handler's name, or a module and its export. */
function isJobBody(body: unknown): body is JobBody {
  if (typeof body !== 'object' || body === null) return false;
  const { handler, module, export: exported } = body as Record<string, unknown>;
  return (
    typeof handler === 'string' || (typeof module === 'string' && typeof exported === 'string')
  );
}

/**
 * True for a job's data written by this project (of a version this build reads): the fields a
 * worker runs the task by have their types, so that a job put on the queue by other code is
 * refused as a whole rather than run half-read.
 */
export function isJobPayload(data: unknown): data is JobPayload {
  if (typeof data !== 'object' || data === null) return false;
  const payload = data as Partial<Record<keyof JobPayload, unknown>>;
  const { attempts, timeoutMs } = payload;
  return (
    payload.v === PAYLOAD_VERSION &&
    typeof payload.lane === 'string' &&
    (payload.type === 'async' || payload.type === 'sync') &&
    isJobBody(payload.body) &&
    Array.isArray(payload.args) &&
    typeof attempts === 'number' &&
    Number.isInteger(attempts) &&
    attempts >= 1 &&
    (timeoutMs === undefined || (typeof timeoutMs === 'number' && timeoutMs >= 0))
  );
}

/**
 * Checks that `value` is a JSON value that survives `JSON.stringify` and `JSON.parse` as
 * itself: null, a boolean, a finite number, a string, an array of such, or a plain object of
 * such (no undefined, function, symbol, bigint, Date, Map, class instance or cycle).
 *
 * @param path - where the value is, for the message (`args[1].to`).
 * @throws TypeError naming the first part that is not.
 */
export function assertJsonValue(value: unknown, path: string, seen: Set<object> = new Set()): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (Number.isFinite(value)) return;
      break;
    case 'object': {
      if (value === null) return;
      if (seen.has(value)) throw new TypeError(`Expected ${path} to be a JSON value, got a cycle`);
      const proto = Object.getPrototypeOf(value) as unknown;
      if (Array.isArray(value)) {
        seen.add(value);
        value.forEach((item, index) => {
          assertJsonValue(item, `${path}[${index}]`, seen);
        });
        seen.delete(value);
        return;
      }
      if (proto === Object.prototype || proto === null) {
        seen.add(value);
        for (const [key, item] of Object.entries(value)) {
          assertJsonValue(item, `${path}.${key}`, seen);
        }
        seen.delete(value);
        return;
      }
      break;
    }
    default:
      break;
  }
  throw new TypeError(
    `Expected ${path} to be a JSON value (null, boolean, finite number, string, array or plain object), got ${describeValue(value)}`,
  );
}
