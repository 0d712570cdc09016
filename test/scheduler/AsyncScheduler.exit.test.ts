import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../fixtures/exitAfterStop.ts', import.meta.url));

/** Runs the fixture in a fresh Node process; resolves with its exit code and output. */
function runToExit(): Promise<{ code: number | null; stdout: string; stderr: string }> {
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
  describe('.stop()', () => {
    it('leaves nothing that keeps the process alive once it resolves', async () => {
      // A 60 s task timeout and a 60 s wait limit were armed: if either survived stop(), the
      // child would outlive the test's own timeout instead of exiting by itself.
      const { code, stdout, stderr } = await runToExit();
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout.trim())).toEqual(['DONE', 'CANCELED', 'CANCELED']);
    });
  });
});
