import { describe, expect, it } from 'vitest';
import { LaneCounters } from '../../src/metrics/LaneCounters.js';

describe('LaneCounters', () => {
  it('starts at zero for submits and every final state', () => {
    const counters = new LaneCounters();
    expect(counters.submitted).toBe(0);
    expect(counters.retried).toBe(0);
    expect(counters.finished()).toEqual({ DONE: 0, FAILED: 0, TIMED_OUT: 0, CANCELED: 0 });
  });

  it('counts submits and each final state apart', () => {
    const counters = new LaneCounters();
    for (let i = 0; i < 5; i++) counters.taskSubmitted();
    counters.taskFinished('DONE');
    counters.taskFinished('DONE');
    counters.taskFinished('FAILED');
    counters.taskFinished('TIMED_OUT');
    counters.taskFinished('CANCELED');
    expect(counters.submitted).toBe(5);
    expect(counters.finished()).toEqual({ DONE: 2, FAILED: 1, TIMED_OUT: 1, CANCELED: 1 });
  });

  it('hands out copies: changing one changes nothing inside', () => {
    const counters = new LaneCounters();
    counters.taskFinished('DONE');
    const copy = counters.finished();
    copy.DONE = 99;
    expect(counters.finished().DONE).toBe(1);
    expect(counters.finished()).not.toBe(counters.finished());
  });

  it('counts retries apart from submits and final states', () => {
    const counters = new LaneCounters();
    counters.taskSubmitted();
    counters.taskRetried();
    counters.taskRetried();
    counters.taskFinished('FAILED');
    expect(counters.retried).toBe(2);
    expect(counters.submitted).toBe(1);
    expect(counters.finished()).toEqual({ DONE: 0, FAILED: 1, TIMED_OUT: 0, CANCELED: 0 });
  });
});
