import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../fixtures/thread/exitAfterStop.ts', import.meta.url));
const crashRaces = fileURLToPath(new URL('../fixtures/thread/crashRaces.ts', import.meta.url));

/** Runs a fixture in a fresh Node process; resolves with its exit code and output. */
function runToExit(
  file = script,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
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

describe('SchedulerThread', () => {
  describe('.stop()', () => {
    it('leaves no thread, port or timer that keeps the process alive once it resolves', async () => {
      // A 60 s task timeout and 60 s wait limits were armed, and lane and executor threads ran:
      // if any survived stop(), the child would outlive the test's timeout instead of exiting.
      const { code, stdout, stderr } = await runToExit();
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout.trim())).toEqual(['DONE', 'DONE', 'CANCELED']);
    });

    it('resolves, runs nothing twice and lets the process exit when lane threads crash meanwhile', async () => {
      const { code, stdout, stderr } = await runToExit(crashRaces);
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
