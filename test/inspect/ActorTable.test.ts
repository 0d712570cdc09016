import { describe, expect, it } from 'vitest';
import { ActorSelections, type ActorSelection } from '../../src/inspect/ActorSelections.js';

const kept = (): ActorSelection => ({ selected: true, held: undefined });

describe('ActorSelections', () => {
  it('keys data by session id, so a fresh copy of a reference finds its selection', () => {
    const selections = new ActorSelections();
    const selection = kept();
    selections.set({ id: 'task', sessionId: 'x:1' }, selection);
    expect(selections.get({ id: 'task', sessionId: 'x:1' })).toBe(selection);
    selections.delete({ id: 'task', sessionId: 'x:1' });
    expect(selections.get({ id: 'task', sessionId: 'x:1' })).toBeUndefined();
    expect(selections.size).toBe(0);
  });

  it('keys a live actor by the actor itself, apart from data with its session id', () => {
    const selections = new ActorSelections();
    const live = { id: 'task', sessionId: 'x:1', send: () => undefined };
    selections.set(live, kept());
    expect(selections.get({ id: 'task', sessionId: 'x:1' })).toBeUndefined();
    expect(selections.get(live)?.selected).toBe(true);
  });

  it('forgets the oldest data entry past its bound', () => {
    const selections = new ActorSelections(3);
    for (let i = 0; i < 5; i++) selections.set({ sessionId: `x:${i}` }, kept());
    expect(selections.size).toBe(3);
    expect(selections.get({ sessionId: 'x:0' })).toBeUndefined();
    expect(selections.get({ sessionId: 'x:1' })).toBeUndefined();
    expect(selections.get({ sessionId: 'x:4' })).toBeDefined();
  });
});
