/**
 * A FIFO queue on a growable ring buffer: O(1) push and shift, no `Array#shift`.
 *
 * @typeParam T - the queued values.
 */
export class RingQueue<T> {
  #items: (T | undefined)[] = new Array<T | undefined>(16);
  #head = 0;
  #size = 0;

  /** How many values are queued. */
  get size(): number {
    return this.#size;
  }

  /** Appends a value at the tail. */
  push(value: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) % this.#items.length] = value;
    this.#size++;
  }

  /** The value at the head, without removing it. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** Removes and returns the value at the head. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const value = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#items.length;
    this.#size--;
    return value;
  }

  #grow(): void {
    const grown = new Array<T | undefined>(this.#items.length * 2);
    for (let i = 0; i < this.#size; i++)
      grown[i] = this.#items[(this.#head + i) % this.#items.length];
    this.#items = grown;
    this.#head = 0;
  }
}
