import { Observable, type Subscriber, type Subscription } from 'rxjs';
import type { SchedulerError } from '../../errors.js';
import { isFinished } from '../../machines/taskLifecycle.js';
import type { TaskState } from '../../taskState.js';
import type { TaskTransition } from '../../tasks/types.js';
import { guardObservable, subscriberErrorsTo } from '../GuardedStream.js';

/** What the router needs of its scheduler. */
export interface TaskTransitionSource {
  /** The scheduler's stream of every transition of every task. */
  readonly transitions$: Observable<TaskTransition>;
  /** A task's state; undefined when unknown or evicted. */
  stateOf(id: string): TaskState | undefined;
  /** Where a failing subscriber's error goes (`errors$`). */
  reportError(error: SchedulerError): void;
}

/**
 * Builds each task handle's own `transitions$` from the scheduler's one stream.
 *
 * @remarks Nothing per task until someone subscribes to a handle's stream: then the router holds
 * that subscriber under the task's id, and (while it holds any) one subscription to the
 * scheduler's stream, which it dispatches by id: one map lookup per transition, whatever the
 * number of handles watched. A task's subscribers complete right after its final transition;
 * one that subscribes when the task is final already (or evicted) completes at once.
 */
export class TaskTransitionRouter {
  readonly #source: TaskTransitionSource;
  readonly #byTask = new Map<string, Set<Subscriber<TaskTransition>>>();
  #upstream: Subscription | undefined;

  constructor(source: TaskTransitionSource) {
    this.#source = source;
  }

  /** Task `id`'s transitions from the subscription on, completing at its final state. */
  transitionsOf(id: string): Observable<TaskTransition> {
    const source = this.#source;
    const routed = new Observable<TaskTransition>((subscriber) => {
      const state = source.stateOf(id);
      if (state === undefined || isFinished(state)) {
        subscriber.complete();
        return undefined;
      }
      this.#add(id, subscriber);
      return () => {
        this.#remove(id, subscriber);
      };
    });
    // A subscriber that throws must not crash the process (nor stop the others): as the
    // scheduler's own transitions$, its error goes to errors$.
    return guardObservable(
      routed,
      subscriberErrorsTo(
        'transitions$',
        (error) => {
          source.reportError(error);
        },
        (transition) => (transition as TaskTransition).id,
      ),
    );
  }

  #add(id: string, subscriber: Subscriber<TaskTransition>): void {
    let subscribers = this.#byTask.get(id);
    if (subscribers === undefined) this.#byTask.set(id, (subscribers = new Set()));
    subscribers.add(subscriber);
    if (this.#upstream !== undefined) return;
    const upstream = this.#source.transitions$.subscribe({
      next: (transition) => {
        this.#dispatch(transition);
      },
      complete: () => {
        this.#completeAll();
      },
    });
    // Closed already when the scheduler's stream had completed (it completed ours too).
    if (!upstream.closed) this.#upstream = upstream;
  }

  #remove(id: string, subscriber: Subscriber<TaskTransition>): void {
    const subscribers = this.#byTask.get(id);
    if (subscribers === undefined) return;
    subscribers.delete(subscriber);
    if (subscribers.size > 0) return;
    this.#byTask.delete(id);
    if (this.#byTask.size === 0) {
      // Nobody watches a task: the scheduler's stream costs nothing for handles again.
      const upstream = this.#upstream;
      this.#upstream = undefined;
      upstream?.unsubscribe();
    }
  }

  #dispatch(transition: TaskTransition): void {
    const subscribers = this.#byTask.get(transition.id);
    if (subscribers === undefined) return;
    const final = isFinished(transition.to);
    // A copy: completing a subscriber removes it from the set.
    for (const subscriber of [...subscribers]) {
      subscriber.next(transition);
      if (final) subscriber.complete();
    }
  }

  /** The scheduler's stream completed (it stopped): so do the tasks' streams. */
  #completeAll(): void {
    this.#upstream = undefined;
    for (const subscribers of [...this.#byTask.values()]) {
      for (const subscriber of [...subscribers]) subscriber.complete();
    }
  }
}
