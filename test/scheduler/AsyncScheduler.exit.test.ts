import { describe, expect, it } from 'vitest';
import { runToExit } from '../support/runToExit.js';

describe('AsyncScheduler', () => {
  describe('.stop()', () => {
    it('leaves nothing that keeps the process alive once it resolves', async () => {
      // A 60 s task timeout and a 60 s wait limit were armed: if either survived stop(), the
      // child would outlive the test's own timeout instead of exiting by itself.
      const { code, stdout, stderr } = await runToExit('exitAfterStop.ts');
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout.trim())).toEqual(['DONE', 'CANCELED', 'CANCELED']);
    });
  });
});
