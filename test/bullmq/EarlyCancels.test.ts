import { describe, expect, it } from 'vitest';
import { EarlyCancels } from '../../src/worker/bullmq/EarlyCancels.js';

describe('a cancel that reaches a worker before its job', () => {
  it('is kept, and the job that then comes here starts canceled with its reason, once', () => {
    const early = new EarlyCancels();
    early.keep('job-1', 'user gave up', 0);
    expect(early.take('job-1')).toBe('user gave up');
    expect(early.take('job-1')).toBeUndefined();
    expect(early.take('never-canceled')).toBeUndefined();
  });

  it('is dropped after a minute (it was for a job that ran on another worker)', () => {
    const early = new EarlyCancels();
    early.keep('elsewhere', 'r', 0);
    early.keep('recent', 'r', 59_999);
    early.keep('later', 'r', 60_000);
    expect(early.size).toBe(2);
    expect(early.take('elsewhere')).toBeUndefined();
    expect(early.take('recent')).toBe('r');
  });
});
