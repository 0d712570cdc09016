import type { StatelyInspectionEvent } from '@statelyai/inspect';

/** Longest a test waits for an event to reach the receiver (a safety net, not a measure). */
const RECEIVE_LIMIT_MS = 10_000;

interface Waiter {
  readonly done: (events: readonly StatelyInspectionEvent[]) => boolean;
  readonly resolve: () => void;
}

/** What a `createWebSocketReceiver` received, with a way to wait for what a test expects. */
export class ReceivedInspection {
  readonly events: StatelyInspectionEvent[] = [];
  readonly #waiters = new Set<Waiter>();

  constructor(receiver: { subscribe(observer: (event: StatelyInspectionEvent) => void): unknown }) {
    receiver.subscribe((event) => {
      this.events.push(event);
      for (const waiter of this.#waiters) {
        if (waiter.done(this.events)) {
          this.#waiters.delete(waiter);
          waiter.resolve();
        }
      }
    });
  }

  /** Resolves once `done(events)` holds; rejects, naming `what`, past the safety limit. */
  until(what: string, done: (events: readonly StatelyInspectionEvent[]) => boolean): Promise<void> {
    if (done(this.events)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`The receiver never got ${what} (${this.events.length} events received)`));
      }, RECEIVE_LIMIT_MS);
      const waiter: Waiter = {
        done,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.#waiters.add(waiter);
    });
  }
}
