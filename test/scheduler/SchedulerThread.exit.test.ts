import { describe, expect, it } from 'vitest';
import { runToExit } from '../support/runToExit.js';

describe('SchedulerThread', () => {
  describe('.stop()', () => {
    it('leaves no thread, port or timer that keeps the process alive once it resolves', async () => {
      // A 60 s task timeout and 60 s wait limits were armed, and lane and executor threads ran:
      // if any survived stop(), the child would outlive the test's timeout instead of exiting.
      const { code, stdout, stderr } = await runToExit('thread/exitAfterStop.ts');
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout.trim())).toEqual(['DONE', 'DONE', 'CANCELED']);
    });

    it('resolves, runs nothing twice and lets the process exit when lane threads crash meanwhile', async () => {
      const { code, stdout, stderr } = await runToExit('thread/crashRaces.ts');
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout.trim())).toEqual({
        'stop during crash': ['FAILED'],
        'retry after crash': ['3'],
        // The crashed task FAILED; the one queued behind it ran once in a fresh thread, each of
        // later states reported once (its SUBMITTED came inside submitTask, before the id was
        // known to the subscriber).
        'stop from errors$': ['FAILED', 'DONE', 'SCHEDULED', 'STARTED', 'DONE'],
      });
    });
  });
});
