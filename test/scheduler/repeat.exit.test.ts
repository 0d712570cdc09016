import { describe, expect, it } from 'vitest';
import { runToExit } from '../support/runToExit.js';

describe('AsyncScheduler and SchedulerThread', () => {
  describe('.stop() with repeat() schedules', () => {
    it('leaves no schedule timer that keeps the process alive', async () => {
      // A 60 s interval and a yearly cron were armed: a timer surviving stop() would keep the
      // child alive past the test's own timeout instead of letting it exit.
      const { code, stdout, stderr } = await runToExit('repeatExitAfterStop.ts');
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout.trim())).toEqual({
        nextRunAt: [null, null, null, null, null],
        occurred: true,
        allFinal: true,
      });
    });
  });
});
