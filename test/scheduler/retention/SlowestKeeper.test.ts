import { describe, expect, it } from 'vitest';
import { doneInfo } from '../../support/taskInfoFixture.js';
import { SlowestKeeper } from '../../../src/scheduler/ledger/retention/SlowestKeeper.js';

const info = doneInfo;

function keptIds(keeper: SlowestKeeper): string[] {
  return keeper
    .values()
    .map((i) => i.id)
    .sort();
}

describe('SlowestKeeper', () => {
  describe('.offer()', () => {
    it('keeps everything while under capacity', () => {
      const keeper = new SlowestKeeper(3);
      keeper.offer(info('a', 1));
      keeper.offer(info('b', 2));
      expect(keptIds(keeper)).toEqual(['a', 'b']);
    });

    it('keeps only the slowest once full', () => {
      const keeper = new SlowestKeeper(3);
      const runs = [5, 1, 9, 3, 7, 2, 8, 6, 4];
      runs.forEach((ms, i) => {
        keeper.offer(info(`t${i}-${ms}`, ms));
      });
      const kept = keeper
        .values()
        .map((i) => i.runMs)
        .sort((a, b) => b! - a!);
      expect(kept).toEqual([9, 8, 7]);
    });

    it('ignores tasks that never ran', () => {
      const keeper = new SlowestKeeper(3);
      keeper.offer(info('never-ran'));
      expect(keeper.values()).toEqual([]);
    });

    it('does not replace the fastest kept task with an equally fast one', () => {
      const keeper = new SlowestKeeper(1);
      keeper.offer(info('first', 5));
      keeper.offer(info('second', 5));
      expect(keptIds(keeper)).toEqual(['first']);
    });

    it('keeps nothing with capacity 0', () => {
      const keeper = new SlowestKeeper(0);
      keeper.offer(info('a', 100));
      expect(keeper.values()).toEqual([]);
    });
  });
});
