/**
 * What a lane is asked to do, one step at a time: a task to schedule (its record), or a
 * command of the lane (schedule the held tasks, sweep a stop's cancels).
 */
export type LaneMail<TRecord extends object> = TRecord | (() => void);

/** What a {@link LaneMailbox} works with. */
export interface LaneMailboxOptions<TRecord extends object> {
  /** Schedules a submitted task (a SUBMITTED record; one canceled meanwhile is left alone). */
  readonly schedule: (record: TRecord) => void;
  /**
   * The lane's own work once no mail waits: starts one task if one may start now.
   *
   * @returns true iff it started one (then the mailbox is read again before the next start).
   */
  readonly startNext: () => boolean;
}

/**
 * The lane's mailbox: what callbacks, subscribers and executor reports ask of the lane is
 * queued here and carried out after the lane's current step, never in the middle of it.
 *
 * @remarks A step is the lane's reaction to one call from outside (a submit, a start, a stop or
 * its timer). A task's outcome (done, failed, timed out) and a `cancelTask` are not steps yet:
 * they only wake the lane, so a callback they run that submits can take the slot they freed. User code runs inside a step (an `onSubmit`, `onStart` or `onCancel`
 * callback, a `transitions$` subscriber) and may call back into the lane: a submit still
 * enters SUBMITTED at once (the contract says so) but its scheduling is mail, and a stop's
 * cancel sweep or the scheduling of held tasks are mail too. Mail is read in the order it was
 * posted, and the lane starts a task only when no mail waits: every task submitted by a
 * callback is in the queue before the next start, so the queue's order (priority, then submit
 * order) decides what starts, not the nesting of callbacks. The step drains the mailbox before
 * it returns, so the caller sees the same synchronous outcome as before (a task submitted to a
 * running lane with a free slot is STARTED when `submitTask` returns).
 *
 * Mail left when a handler throws stays for the next step: no task is forgotten SUBMITTED.
 */
export class LaneMailbox<TRecord extends object> {
  readonly #schedule: (record: TRecord) => void;
  readonly #startNext: () => boolean;
  readonly #mail: LaneMail<TRecord>[] = [];
  /** Index of the next mail to read (an index walk, not Array#shift: bursts stay linear). */
  #next = 0;
  /** A step is under way: what is posted waits for it, and it drains it before it returns. */
  #inStep = false;

  constructor(options: LaneMailboxOptions<TRecord>) {
    this.#schedule = options.schedule;
    this.#startNext = options.startNext;
  }

  /**
   * Runs `work(a, b)` as a step of the lane, then drains the mailbox; inside a step already
   * (called back from user code), runs it at once and leaves the draining to that step.
   */
  step<A, B>(work: (a: A, b: B) => void, a: A, b: B): void {
    if (this.#inStep) {
      work(a, b);
      return;
    }
    this.#inStep = true;
    try {
      work(a, b);
    } finally {
      this.#drain();
    }
  }

  /** Posts `mail`: read now when no step is under way, else after the current one. */
  post(mail: LaneMail<TRecord>): void {
    this.#mail.push(mail);
    this.wake();
  }

  /** Something may start now (a slot was freed): a step that starts what it can, unless one runs. */
  readonly wake = (): void => {
    if (this.#inStep) return;
    this.#inStep = true;
    this.#drain();
  };

  /** Reads every mail, then starts tasks while nothing new is posted; ends the step. */
  #drain(): void {
    const mail = this.#mail;
    try {
      for (;;) {
        if (this.#next < mail.length) {
          const next = mail[this.#next++] as LaneMail<TRecord>;
          if (typeof next === 'function') next();
          else this.#schedule(next);
        } else if (!this.#startNext()) {
          break;
        }
      }
    } finally {
      // After a throw, the unread mail stays for the next step.
      if (this.#next === mail.length) mail.length = 0;
      else mail.splice(0, this.#next);
      this.#next = 0;
      this.#inStep = false;
    }
  }
}
