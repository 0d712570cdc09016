import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriorityQueue, type QueueEntry } from '../../../src/scheduler/lane/queue/PriorityQueue.js';

const NUM_RUNS = Number(process.env['FC_NUM_RUNS'] ?? 100);

interface Entry extends QueueEntry {
  readonly label: string;
}

/** Runs first: higher priority, then lower seq. The order the queue promises. */
function runsBefore(a: Entry, b: Entry): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);
}

/** The model: the queued entries kept sorted in run order by plain insertion. */
class SortedModel {
  readonly sorted: Entry[] = [];
  /** Every entry ever made, queued or not, in creation order. */
  readonly entries: Entry[] = [];
  nextSeq = 0;

  insert(entry: Entry): void {
    const at = this.sorted.findIndex((queued) => runsBefore(entry, queued));
    if (at === -1) this.sorted.push(entry);
    else this.sorted.splice(at, 0, entry);
  }

  delete(entry: Entry): boolean {
    const at = this.sorted.indexOf(entry);
    if (at === -1) return false;
    this.sorted.splice(at, 1);
    return true;
  }
}

interface Real {
  readonly queue: PriorityQueue<Entry>;
  /** A second queue: entries of the first must never be removable through it. */
  readonly other: PriorityQueue<Entry>;
}

type QueueCommand = fc.Command<SortedModel, Real>;

/** Checks what must hold after every command. */
function expectConsistent(model: SortedModel, real: Real): void {
  expect(real.queue.size).toBe(model.sorted.length);
  const queued = new Set(model.sorted);
  const misplaced = model.entries.filter((entry) => queued.has(entry) !== entry.queueIndex >= 0);
  expect(misplaced).toEqual([]);
}

class PushCommand implements QueueCommand {
  constructor(readonly priority: number) {}
  check(): boolean {
    return true;
  }
  run(model: SortedModel, real: Real): void {
    const entry: Entry = {
      label: `e${model.entries.length}`,
      priority: this.priority,
      seq: model.nextSeq++,
      queueIndex: -1,
    };
    model.entries.push(entry);
    model.insert(entry);
    real.queue.push(entry);
    expectConsistent(model, real);
  }
  toString(): string {
    return `push(${this.priority})`;
  }
}

/** Pushes again an entry that has left the queue (as a retry would), with a fresh seq. */
class RepushCommand implements QueueCommand {
  constructor(readonly pick: number) {}
  check(model: Readonly<SortedModel>): boolean {
    return model.entries.some((entry) => !model.sorted.includes(entry));
  }
  run(model: SortedModel, real: Real): void {
    const out = model.entries.filter((entry) => !model.sorted.includes(entry));
    const entry = out[this.pick % out.length]!;
    (entry as { seq: number }).seq = model.nextSeq++;
    model.insert(entry);
    real.queue.push(entry);
    expectConsistent(model, real);
  }
  toString(): string {
    return `repush(#${this.pick})`;
  }
}

class ShiftCommand implements QueueCommand {
  check(): boolean {
    return true;
  }
  run(model: SortedModel, real: Real): void {
    const expected = model.sorted.shift();
    const shifted = real.queue.shift();
    expect(shifted?.label).toBe(expected?.label);
    expect(shifted).toBe(expected);
    expectConsistent(model, real);
  }
  toString(): string {
    return 'shift()';
  }
}

class RemoveCommand implements QueueCommand {
  constructor(
    readonly pick: number,
    readonly throughOther: boolean,
  ) {}
  check(model: Readonly<SortedModel>): boolean {
    return model.entries.length > 0;
  }
  run(model: SortedModel, real: Real): void {
    const entry = model.entries[this.pick % model.entries.length]!;
    if (this.throughOther) {
      expect(real.other.remove(entry)).toBe(false);
      expect(real.other.size).toBe(0);
    } else {
      const expected = model.delete(entry);
      expect(real.queue.remove(entry)).toBe(expected);
      expect(entry.queueIndex).toBe(-1);
    }
    expectConsistent(model, real);
  }
  toString(): string {
    return `remove(#${this.pick}${this.throughOther ? ', through another queue' : ''})`;
  }
}

/** Changes the priority of any entry, queued or not (a queued one moves; seq is kept). */
class SetPriorityCommand implements QueueCommand {
  constructor(
    readonly pick: number,
    readonly priority: number,
  ) {}
  check(model: Readonly<SortedModel>): boolean {
    return model.entries.length > 0;
  }
  run(model: SortedModel, real: Real): void {
    const entry = model.entries[this.pick % model.entries.length]!;
    const queued = model.delete(entry);
    expect(real.queue.setPriority(entry, this.priority)).toBe(queued);
    expect(entry.priority).toBe(this.priority);
    if (queued) model.insert(entry);
    expectConsistent(model, real);
  }
  toString(): string {
    return `setPriority(#${this.pick}, ${this.priority})`;
  }
}

/** Small integers make ties (FIFO) common; any finite number is a valid priority. */
const priorityArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -2, max: 2 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

const commandsArb = fc.commands(
  [
    priorityArb.map((priority) => new PushCommand(priority)),
    fc.nat().map((pick) => new RepushCommand(pick)),
    fc.constant(new ShiftCommand()),
    fc.tuple(fc.nat(), fc.boolean()).map(([pick, other]) => new RemoveCommand(pick, other)),
    fc
      .tuple(fc.nat(), priorityArb)
      .map(([pick, priority]) => new SetPriorityCommand(pick, priority)),
  ],
  { size: 'medium' },
);

describe('PriorityQueue', () => {
  it('behaves like a sorted array under any interleaving of push, shift, remove and setPriority', () => {
    fc.assert(
      fc.property(commandsArb, (commands) => {
        const model = new SortedModel();
        const real: Real = { queue: new PriorityQueue<Entry>(), other: new PriorityQueue<Entry>() };
        fc.modelRun(() => ({ model, real }), commands);
        // What is left drains in run order, and the queue is then empty.
        const rest = real.queue.drain();
        expect(rest).toEqual(model.sorted);
        expect(rest.every((entry) => entry.queueIndex === -1)).toBe(true);
        expect(real.queue.size).toBe(0);
        expect(real.queue.shift()).toBeUndefined();
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('dequeues by priority, highest first, and FIFO among equals', () => {
    fc.assert(
      fc.property(fc.array(priorityArb, { maxLength: 300, size: 'medium' }), (priorities) => {
        const queue = new PriorityQueue<Entry>();
        const entries = priorities.map((priority, seq): Entry => ({
          label: `e${seq}`,
          priority,
          seq,
          queueIndex: -1,
        }));
        for (const entry of entries) queue.push(entry);
        expect(queue.size).toBe(entries.length);
        const drained = queue.drain();
        // Array#sort is stable: equal priorities keep push order.
        const expected = [...entries].sort((a, b) =>
          a.priority === b.priority ? 0 : b.priority - a.priority,
        );
        expect(drained.map((e) => e.label)).toEqual(expected.map((e) => e.label));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('removes any queued entry and keeps the others in order', () => {
    fc.assert(
      fc.property(
        fc.array(priorityArb, { minLength: 1, maxLength: 100, size: 'medium' }),
        fc.array(fc.nat(), { maxLength: 50, size: 'medium' }),
        (priorities, picks) => {
          const queue = new PriorityQueue<Entry>();
          const entries = priorities.map((priority, seq): Entry => ({
            label: `e${seq}`,
            priority,
            seq,
            queueIndex: -1,
          }));
          for (const entry of entries) queue.push(entry);
          const removed = new Set<Entry>();
          for (const pick of picks) {
            const entry = entries[pick % entries.length]!;
            expect(queue.remove(entry)).toBe(!removed.has(entry));
            removed.add(entry);
            expect(queue.size).toBe(entries.length - removed.size);
          }
          const kept = entries.filter((entry) => !removed.has(entry));
          const expected = [...kept].sort((a, b) =>
            runsBefore(a, b) ? -1 : runsBefore(b, a) ? 1 : 0,
          );
          expect(queue.drain()).toEqual(expected);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
