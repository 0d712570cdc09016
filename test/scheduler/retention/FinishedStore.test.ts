import { describe, expect, it } from 'vitest';
import { doneInfo } from '../../support/taskInfoFixture.js';
import {
  FinishedStore,
  SLOWEST_KEPT,
} from '../../../src/scheduler/ledger/retention/FinishedStore.js';
import type { TaskInfo } from '../../../src/index.js';

const info = (id: string, runMs = 1): TaskInfo => doneInfo(id, runMs);

function ids(store: FinishedStore, now = 0): string[] {
  return [...store.values(now)].map((r) => r.info.id);
}

describe('FinishedStore', () => {
  describe('.add()', () => {
    it('keeps records, oldest finished first', () => {
      const store = new FinishedStore({ maxFinished: 10, maxAgeMs: Infinity });
      store.add({ info: info('a') }, 1);
      store.add({ info: info('b') }, 2);
      expect(ids(store)).toEqual(['a', 'b']);
      expect(store.size).toBe(2);
    });

    it('evicts the oldest past maxFinished', () => {
      const store = new FinishedStore({ maxFinished: 2, maxAgeMs: Infinity });
      for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) store.add({ info: info(id) }, i);
      expect(ids(store)).toEqual(['c', 'd']);
      expect(store.get('a', 10)).toBeUndefined();
      expect(store.get('d', 10)?.info.id).toBe('d');
    });

    it('keeps no record with maxFinished 0', () => {
      const store = new FinishedStore({ maxFinished: 0, maxAgeMs: Infinity });
      store.add({ info: info('a') }, 1);
      expect(store.size).toBe(0);
      expect(store.get('a', 1)).toBeUndefined();
    });

    it('keeps the failure with the record', () => {
      const store = new FinishedStore({ maxFinished: 1, maxAgeMs: Infinity });
      const failure = new Error('boom');
      store.add({ info: info('a'), failure }, 1);
      expect(store.get('a', 1)?.failure).toBe(failure);
    });
  });

  describe('.get()', () => {
    it('evicts records older than maxAgeMs', () => {
      const store = new FinishedStore({ maxFinished: 10, maxAgeMs: 100 });
      store.add({ info: info('old') }, 1000);
      store.add({ info: info('new') }, 1050);
      expect(store.get('old', 1100)?.info.id).toBe('old');
      expect(store.get('old', 1101)).toBeUndefined();
      expect(store.get('new', 1101)?.info.id).toBe('new');
      expect(store.size).toBe(1);
      expect(store.get('new', 1151)).toBeUndefined();
      expect(store.size).toBe(0);
    });
  });

  describe('.values()', () => {
    it('leaves out expired records', () => {
      const store = new FinishedStore({ maxFinished: 10, maxAgeMs: 10 });
      store.add({ info: info('a') }, 0);
      store.add({ info: info('b') }, 5);
      expect(ids(store, 12)).toEqual(['b']);
    });
  });

  describe('.slowestEver()', () => {
    it('keeps the slowest tasks after their records are evicted', () => {
      const store = new FinishedStore({ maxFinished: 1, maxAgeMs: Infinity });
      store.add({ info: info('slow', 500) }, 1);
      store.add({ info: info('fast', 1) }, 2);
      expect(ids(store)).toEqual(['fast']);
      expect(store.slowestEver().map((i) => i.id)).toContain('slow');
    });

    it('sees tasks even with maxFinished 0', () => {
      const store = new FinishedStore({ maxFinished: 0, maxAgeMs: Infinity });
      store.add({ info: info('a', 3) }, 1);
      expect(store.slowestEver().map((i) => i.id)).toEqual(['a']);
    });

    it(`keeps at most ${SLOWEST_KEPT}`, () => {
      const store = new FinishedStore({ maxFinished: 0, maxAgeMs: Infinity });
      for (let i = 0; i < SLOWEST_KEPT * 3; i++) store.add({ info: info(`t${i}`, i) }, i);
      const kept = store.slowestEver();
      expect(kept).toHaveLength(SLOWEST_KEPT);
      expect(Math.min(...kept.map((i) => i.runMs!))).toBe(SLOWEST_KEPT * 2);
    });
  });
});
