import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Runs a fixture in a fresh Node process; resolves with its exit code and output. */
function runToExit(
  fixture: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

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
