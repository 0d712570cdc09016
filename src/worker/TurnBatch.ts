/**
 * Items gathered over one turn of the event loop and sent together at its end: one
 * `postMessage` per turn instead of one per item.
 *
 * @remarks The batch also goes out at once whenever {@link TurnBatch.flush} is called: before
 * any other message (so none overtakes the items before it) and when the thread exits (a body
 * that calls `process.exit` or throws uncaught: the `exit` event still runs, and its message
 * still reaches the main thread). A thread terminated from outside runs nothing more, so the
 * items of its last turn are lost; its main side then ends the tasks it thought were running.
 *
 * @typeParam TItem - what is batched.
 */
export class TurnBatch<TItem> {
  readonly #send: (items: TItem[]) => void;
  #items: TItem[] = [];
  #scheduled = false;
  readonly #flushAtTurnEnd = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  /** @param send - sends one batch; never called with an empty one. */
  constructor(send: (items: TItem[]) => void) {
    this.#send = send;
  }

  /** Adds `item` to this turn's batch. */
  push(item: TItem): void {
    this.#items.push(item);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#flushAtTurnEnd);
  }

  /** Sends what was gathered so far, if anything. */
  flush(): void {
    if (this.#items.length === 0) return;
    const items = this.#items;
    this.#items = [];
    this.#send(items);
  }
}
