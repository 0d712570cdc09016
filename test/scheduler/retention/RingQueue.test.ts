import { describe, expect, it } from 'vitest';
import { RingQueue } from '../../../src/scheduler/ledger/retention/RingQueue.js';

describe('RingQueue', () => {
  it('is empty at first', () => {
    const queue = new RingQueue<number>();
    expect(queue.size).toBe(0);
    expect(queue.peek()).toBeUndefined();
    expect(queue.shift()).toBeUndefined();
  });

  it('is FIFO', () => {
    const queue = new RingQueue<string>();
    queue.push('a');
    queue.push('b');
    expect(queue.peek()).toBe('a');
    expect(queue.shift()).toBe('a');
    expect(queue.shift()).toBe('b');
    expect(queue.size).toBe(0);
  });

  it('keeps FIFO order while growing past its buffer with the head wrapped', () => {
    const queue = new RingQueue<number>();
    const out: number[] = [];
    // Push and shift so the head wraps around, then grow well past the initial 16 slots.
    for (let i = 0; i < 10; i++) queue.push(i);
    for (let i = 0; i < 8; i++) out.push(queue.shift()!);
    for (let i = 10; i < 100; i++) queue.push(i);
    expect(queue.size).toBe(92);
    for (let v = queue.shift(); v !== undefined; v = queue.shift()) out.push(v);
    expect(out).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
