import { describe, expect, it } from 'vitest';
import { PriorityQueue, type QueueEntry } from '../../../src/scheduler/lane/queue/PriorityQueue.js';

interface Entry extends QueueEntry {
  readonly name: string;
}

let seq = 0;
function entry(name: string, priority = 0): Entry {
  return { name, priority, seq: seq++, queueIndex: -1 };
}

function names(queue: PriorityQueue<Entry>): string[] {
  return queue.drain().map((e) => e.name);
}

/** A small deterministic generator, so the shuffled cases are the same on every run. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('PriorityQueue', () => {
  describe('.setPriority()', () => {
    it('moves a queued entry to its new place, behind earlier arrivals of that priority', () => {
      const queue = new PriorityQueue<Entry>();
      const [a, b, c, d] = [entry('a', 1), entry('b', 1), entry('c'), entry('d')] as Entry[];
      for (const e of [a, b, c, d]) queue.push(e as Entry);
      // c arrived after a and b: raised to their priority, it still comes after them.
      expect(queue.setPriority(c as Entry, 1)).toBe(true);
      // a lowered below d's 0: it goes last.
      expect(queue.setPriority(a as Entry, -1)).toBe(true);
      expect(names(queue)).toEqual(['b', 'c', 'd', 'a']);
    });

    it('gives an entry that is not queued its priority, for when it is pushed', () => {
      const queue = new PriorityQueue<Entry>();
      const first = entry('first');
      const raised = entry('raised');
      expect(queue.setPriority(raised, 3)).toBe(false);
      expect(raised.priority).toBe(3);
      queue.push(first);
      queue.push(raised);
      expect(names(queue)).toEqual(['raised', 'first']);
    });
  });

  describe('.reposition()', () => {
    it('moves an entry whose priority changed to its new place, up or down', () => {
      const queue = new PriorityQueue<Entry & { priority: number }>();
      const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => entry(name)) as (Entry & {
        priority: number;
      })[];
      for (const e of [a, b, c, d]) queue.push(e as Entry & { priority: number });
      (d as { priority: number }).priority = 5;
      expect(queue.reposition(d as Entry & { priority: number })).toBe(true);
      (a as { priority: number }).priority = -1;
      expect(queue.reposition(a as Entry & { priority: number })).toBe(true);
      expect(queue.peek()?.name).toBe('d');
      expect(queue.drain().map((e) => e.name)).toEqual(['d', 'b', 'c', 'a']);
    });

    it('returns false for an entry that is not queued', () => {
      const queue = new PriorityQueue<Entry>();
      expect(queue.reposition(entry('x'))).toBe(false);
    });
  });

  describe('.shift()', () => {
    it('returns undefined when empty', () => {
      expect(new PriorityQueue<Entry>().shift()).toBeUndefined();
    });

    it('returns higher priorities first', () => {
      const queue = new PriorityQueue<Entry>();
      for (const [name, priority] of [
        ['low', -1],
        ['high', 5],
        ['mid', 1],
        ['top', 9],
      ] as const)
        queue.push(entry(name, priority));
      expect(names(queue)).toEqual(['top', 'high', 'mid', 'low']);
    });

    it('is FIFO among equal priorities', () => {
      const queue = new PriorityQueue<Entry>();
      for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) queue.push(entry(name, 3));
      expect(names(queue)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    });

    it('orders a shuffled mix by priority, then arrival', () => {
      const random = lcg(42);
      const queue = new PriorityQueue<Entry>();
      const pushed: Entry[] = [];
      for (let i = 0; i < 500; i++) {
        const e = entry(`e${i}`, Math.floor(random() * 5));
        pushed.push(e);
        queue.push(e);
      }
      const expected = [...pushed]
        .sort((a, b) => b.priority - a.priority || a.seq - b.seq)
        .map((e) => e.name);
      expect(names(queue)).toEqual(expected);
    });

    it('marks a shifted entry as no longer queued', () => {
      const queue = new PriorityQueue<Entry>();
      const e = entry('a');
      queue.push(e);
      expect(e.queueIndex).toBe(0);
      queue.shift();
      expect(e.queueIndex).toBe(-1);
      expect(queue.size).toBe(0);
    });
  });

  describe('.remove()', () => {
    it('removes an entry from the middle and keeps the order of the rest', () => {
      const random = lcg(7);
      const queue = new PriorityQueue<Entry>();
      const pushed = Array.from({ length: 200 }, (_, i) =>
        entry(`e${i}`, Math.floor(random() * 4)),
      );
      for (const e of pushed) queue.push(e);
      const removed = pushed.filter((_, i) => i % 3 === 0);
      for (const e of removed) expect(queue.remove(e)).toBe(true);
      expect(queue.size).toBe(pushed.length - removed.length);
      const expected = pushed
        .filter((e) => !removed.includes(e))
        .sort((a, b) => b.priority - a.priority || a.seq - b.seq)
        .map((e) => e.name);
      expect(names(queue)).toEqual(expected);
    });

    it('returns false for an entry that is not queued', () => {
      const queue = new PriorityQueue<Entry>();
      const e = entry('a');
      expect(queue.remove(e)).toBe(false);
      queue.push(e);
      expect(queue.remove(e)).toBe(true);
      expect(queue.remove(e)).toBe(false);
    });

    it('returns false for an entry of another queue', () => {
      const mine = new PriorityQueue<Entry>();
      const theirs = new PriorityQueue<Entry>();
      mine.push(entry('mine'));
      const other = entry('other');
      theirs.push(other);
      expect(mine.remove(other)).toBe(false);
      expect(mine.size).toBe(1);
    });

    it('removes the last entry', () => {
      const queue = new PriorityQueue<Entry>();
      const a = entry('a', 2);
      const b = entry('b', 1);
      queue.push(a);
      queue.push(b);
      expect(queue.remove(b)).toBe(true);
      expect(names(queue)).toEqual(['a']);
    });
  });

  describe('.size', () => {
    it('counts pushes, shifts and removes', () => {
      const queue = new PriorityQueue<Entry>();
      const a = entry('a');
      queue.push(a);
      queue.push(entry('b'));
      queue.push(entry('c'));
      expect(queue.size).toBe(3);
      queue.remove(a);
      queue.shift();
      expect(queue.size).toBe(1);
    });
  });

  describe('.drain()', () => {
    it('empties the queue in run order', () => {
      const queue = new PriorityQueue<Entry>();
      queue.push(entry('b', 1));
      queue.push(entry('a', 2));
      expect(names(queue)).toEqual(['a', 'b']);
      expect(queue.size).toBe(0);
      expect(queue.drain()).toEqual([]);
    });
  });

  it('keeps a queue of 100k in order through interleaved pushes and shifts', () => {
    const random = lcg(1);
    const queue = new PriorityQueue<Entry>();
    for (let i = 0; i < 100_000; i++) queue.push(entry(`e${i}`, Math.floor(random() * 10)));
    let last = queue.shift()!;
    for (let i = 0; i < 50_000; i++) {
      const next = queue.shift()!;
      const inOrder =
        next.priority < last.priority || (next.priority === last.priority && next.seq > last.seq);
      if (!inOrder) expect.fail(`out of order at ${i}: ${last.name} then ${next.name}`);
      last = next;
    }
    expect(queue.size).toBe(49_999);
  });
});
