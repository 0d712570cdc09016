import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StartRateLimit } from '../../../src/scheduler/lane/policy/StartRateLimit.js';

describe('StartRateLimit', () => {
  it('lets max starts through at once, then the next when the oldest leaves the window', () => {
    const limit = new StartRateLimit({ max: 2, perMs: 100 });
    limit.started(0);
    expect(limit.nextStartAt(10)).toBe(10);
    limit.started(10);
    expect(limit.nextStartAt(20)).toBe(100);
    expect(limit.nextStartAt(100)).toBe(100);
    limit.started(100);
    expect(limit.nextStartAt(100)).toBe(110);
  });

  it('takes a huge max without allocating for it up front', () => {
    const limit = new StartRateLimit({ max: 2 ** 31, perMs: 1_000 });
    for (let at = 0; at < 1_000; at++) {
      expect(limit.nextStartAt(at)).toBe(at);
      limit.started(at);
    }
  });

  it('never lets a window of perMs hold more than max starts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 60 }),
        (max, perMs, gaps) => {
          const limit = new StartRateLimit({ max, perMs });
          const starts: number[] = [];
          let now = 0;
          for (const gap of gaps) {
            now = Math.max(now + gap, limit.nextStartAt(now + gap));
            limit.started(now);
            starts.push(now);
          }
          for (let k = 0; k + max < starts.length; k++) {
            expect(starts[k + max]! - starts[k]!).toBeGreaterThanOrEqual(perMs);
          }
        },
      ),
    );
  });
});
