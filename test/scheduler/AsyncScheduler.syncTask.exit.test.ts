import { describe, expect, it } from 'vitest';
import { runToExit } from '../support/runToExit.js';

describe('AsyncScheduler', () => {
  describe('SyncTask in a plain program', () => {
    it('leaves no thread that keeps the process alive once stop() resolves', async () => {
      // Two busy loops that never return were running (one with a 60 s timeout armed): had a
      // thread or that timer survived stop(), the child would outlive the test's own timeout.
      const { code, stdout, stderr } = await runToExit('syncExitAfterStop.ts');
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout.trim())).toEqual(['DONE', 'CANCELED', 'CANCELED']);
    });

    it('keeps the process alive while a SyncTask waits for a crashed thread to restart', async () => {
      // Exit code 13 would mean Node found nothing alive and gave up on the awaited result.
      const { code, stdout, stderr } = await runToExit('syncCrashThenRun.ts');
      expect({ code, stdout: stdout.trim(), stderr }).toEqual({
        code: 0,
        stdout: JSON.stringify(['FAILED', 42]),
        stderr: '',
      });
    });
  });
});
