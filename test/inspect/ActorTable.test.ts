import { describe, expect, it } from 'vitest';
import { ActorTable } from '../../src/inspect/ActorTable.js';
import { ThreadGenerations } from '../../src/inspect/ThreadGenerations.js';

describe('ActorTable', () => {
  it('keys data by session id, so a fresh copy of a reference finds its entry', () => {
    const table = new ActorTable<string>();
    table.set({ id: 'task', sessionId: 'x:1' }, 'kept');
    expect(table.get({ id: 'task', sessionId: 'x:1' })).toBe('kept');
    table.delete({ id: 'task', sessionId: 'x:1' });
    expect(table.get({ id: 'task', sessionId: 'x:1' })).toBeUndefined();
    expect(table.size).toBe(0);
  });

  it('keys a live actor by the actor itself, apart from data with its session id', () => {
    const table = new ActorTable<string>();
    const live = { id: 'task', sessionId: 'x:1', send: () => undefined };
    table.set(live, 'kept');
    expect(table.get({ id: 'task', sessionId: 'x:1' })).toBeUndefined();
    expect(table.get(live)).toBe('kept');
  });

  it('forgets the oldest data entry past its bound', () => {
    const table = new ActorTable<string>(3);
    for (let i = 0; i < 5; i++) table.set({ sessionId: `x:${i}` }, 'kept');
    expect(table.size).toBe(3);
    expect(table.get({ sessionId: 'x:0' })).toBeUndefined();
    expect(table.get({ sessionId: 'x:1' })).toBeUndefined();
    expect(table.get({ sessionId: 'x:4' })).toBeDefined();
  });

  describe('.deleteSessions()', () => {
    it('forgets the data entries under a session prefix, and only those', () => {
      const table = new ActorTable<string>();
      const live = { sessionId: 'urgent#1/x:1', send: () => undefined };
      table.set(live, 'live');
      for (let i = 0; i < 3; i++) table.set({ sessionId: `urgent#1/x:${i}` }, 'old');
      table.set({ sessionId: 'urgent#2/x:1' }, 'new');
      table.set({ sessionId: 'urgent#10/x:1' }, 'other');
      table.deleteSessions('urgent#1/');
      expect(table.size).toBe(3);
      expect(table.get({ sessionId: 'urgent#1/x:1' })).toBeUndefined();
      expect(table.get({ sessionId: 'urgent#2/x:1' })).toBe('new');
      expect(table.get({ sessionId: 'urgent#10/x:1' })).toBe('other');
      expect(table.get(live)).toBe('live');
    });
  });
});

describe('ThreadGenerations', () => {
  describe('.replaced()', () => {
    it("names the previous generation's prefix at the first session of a newer one", () => {
      const generations = new ThreadGenerations();
      expect(generations.replaced('urgent#1/x:0')).toBeUndefined();
      expect(generations.replaced('urgent#1/x:7')).toBeUndefined();
      expect(generations.replaced('urgent#3/x:0')).toBe('urgent#1/');
      expect(generations.replaced('urgent#3/x:1')).toBeUndefined();
      expect(generations.replaced('urgent#4/x:1')).toBe('urgent#3/');
    });

    it('keeps lanes apart, and reads lane names holding `#` and `/`', () => {
      const generations = new ThreadGenerations();
      expect(generations.replaced('a/b#1/x:0')).toBeUndefined();
      expect(generations.replaced('c#1/x:0')).toBeUndefined();
      expect(generations.replaced('a/b#2/x:0')).toBe('a/b#1/');
      expect(generations.replaced('c#1/x:3')).toBeUndefined();
      expect(generations.replaced('c#2/x:0')).toBe('c#1/');
    });

    it('ignores an older generation, and session ids without a thread prefix', () => {
      const generations = new ThreadGenerations();
      expect(generations.replaced('x:0')).toBeUndefined();
      expect(generations.replaced('urgent/x:0')).toBeUndefined();
      expect(generations.replaced('urgent#2/x:0')).toBeUndefined();
      expect(generations.replaced('urgent#1/x:0')).toBeUndefined();
      expect(generations.replaced('urgent#2/x:1')).toBeUndefined();
    });
  });
});
