import type { Observer, Subscription } from 'rxjs';
import { Observable, Subject, Subscriber } from '../rxjsParts.js';
import { SchedulerError, SchedulerErrorCode } from '../errors.js';
import { describeThrown } from '../validate.js';
import { callGuarded, type GuardedFailure } from './callGuarded.js';

type NextHandler<T> = (value: T) => void;

/**
 * Where a subscriber's failure goes: what it threw (or its async `next` rejected with), and the
 * value it was handed when that was a `next` (absent for `error` and `complete`).
 */
export type SubscriberErrorHandler = (error: unknown, how: GuardedFailure, value?: unknown) => void;

/** Told when a stream gains and loses each subscriber, so its producer runs only while watched. */
export interface StreamWatch {
  /** One more subscriber. */
  watched(): void;
  /** One subscriber fewer. */
  unwatched(): void;
}

/**
 * An observable whose direct subscribers cannot hurt the producer: an error thrown by a
 * subscriber's `next` (or the rejection of an async `next`) is caught and handed to
 * `onSubscriberError`, and delivery goes on.
 *
 * @remarks RxJS itself would rethrow such an error on a later tick, which crashes a Node
 * process. Operators in a `pipe()` keep RxJS's own rules: an error in `map()` is sent down the
 * chain as an error notification, so end such chains with `catchError` or an error handler.
 */
class GuardedObservable<T> extends Observable<T> {
  readonly #onSubscriberError: SubscriberErrorHandler;

  constructor(
    upstream: Observable<T>,
    onSubscriberError: SubscriberErrorHandler,
    watch: StreamWatch | undefined,
  ) {
    super((subscriber) => {
      if (watch === undefined) return upstream.subscribe(subscriber);
      watch.watched();
      const subscription = upstream.subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        watch.unwatched();
      };
    });
    this.#onSubscriberError = onSubscriberError;
  }

  override subscribe(
    observerOrNext?: Partial<Observer<T>> | NextHandler<T> | null,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    // An operator's own subscriber already contains its errors; wrapping it would cut the
    // unsubscribe chain.
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function' || observerOrNext == null
        ? {
            ...(observerOrNext ? { next: observerOrNext } : {}),
            ...(error ? { error } : {}),
            ...(complete ? { complete } : {}),
          }
        : observerOrNext;
    const report = this.#onSubscriberError;
    // For `error` and `complete`, no value was delivered: report without one.
    const reportAlone = (thrown: unknown, how: GuardedFailure): void => {
      report(thrown, how);
    };
    const guarded: Partial<Observer<T>> = {
      error: (err: unknown) => {
        if (observer.error !== undefined) callGuarded(observer.error, observer, err, reportAlone);
      },
      complete: () => {
        if (observer.complete !== undefined) {
          callGuarded(observer.complete, observer, undefined, reportAlone);
        }
      },
    };
    const next = observer.next;
    if (next !== undefined) {
      guarded.next = (value: T) => {
        callGuarded(next, observer, value, report);
      };
    }
    return super.subscribe(guarded);
  }
}

/**
 * The `onSubscriberError` of a scheduler stream: what a subscriber of `stream` throws becomes a
 * `SchedulerError` with code `ERR_SUBSCRIBER_FAILED` (the thrown value as `cause`) for `report`.
 *
 * @param taskIdOf - the task a delivered value is about (a transition's task), kept as the
 * error's `taskId`.
 */
export function subscriberErrorsTo(
  stream: string,
  report: (error: SchedulerError) => void,
  taskIdOf?: (value: unknown) => string,
): SubscriberErrorHandler {
  return (error, how, value) => {
    const taskId = taskIdOf === undefined || value === undefined ? undefined : taskIdOf(value);
    report(
      new SchedulerError(SchedulerErrorCode.SUBSCRIBER_FAILED, `A ${stream} subscriber ${how}`, {
        cause: error,
        ...(taskId === undefined ? {} : { taskId }),
      }),
    );
  };
}

/**
 * The `onSubscriberError` of an `errors$` stream: what its subscriber throws cannot go to
 * `errors$` itself, so it becomes a process warning (code `ERR_SUBSCRIBER_FAILED`).
 */
export const warnOfErrorsSubscriber: SubscriberErrorHandler = (error) => {
  process.emitWarning(`An errors$ subscriber threw: ${describeThrown(error)}`, {
    code: SchedulerErrorCode.SUBSCRIBER_FAILED,
  });
};

/**
 * `source` with guarded subscribers: what a subscriber's `next`, `error` or `complete` throws
 * goes to `onSubscriberError` instead of crashing the process.
 */
export function guardObservable<T>(
  source: Observable<T>,
  onSubscriberError: SubscriberErrorHandler,
): Observable<T> {
  return new GuardedObservable(source, onSubscriberError, undefined);
}

/**
 * A hot stream (a `Subject` inside) with a guarded public side.
 *
 * @typeParam T - the values carried.
 */
export class GuardedStream<T> {
  readonly #subject = new Subject<T>();
  /** The public, guarded observable. */
  readonly observable: Observable<T>;

  /**
   * @param onSubscriberError - where an error thrown by a subscriber goes.
   * @param watch - told of every subscribe and unsubscribe (a producer that runs only while watched).
   */
  constructor(onSubscriberError: SubscriberErrorHandler, watch?: StreamWatch) {
    this.observable = new GuardedObservable(this.#subject, onSubscriberError, watch);
  }

  /** True while someone listens; lets producers skip work nobody would see. */
  get observed(): boolean {
    return this.#subject.observed;
  }

  /** Delivers a value to every subscriber. */
  next(value: T): void {
    this.#subject.next(value);
  }

  /** Completes the stream. */
  complete(): void {
    this.#subject.complete();
  }
}
