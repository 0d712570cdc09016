import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What a fixture process left behind. */
export interface ExitResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const FIXTURES = new URL('../fixtures/', import.meta.url);

/**
 * Runs a fixture (a path under test/fixtures/, or any script's URL) with `args` in a fresh Node
 * process and resolves when it exits by itself: a fixture that something keeps alive outlives
 * the test's timeout instead.
 */
export function runToExit(
  fixture: string | URL,
  args: readonly string[] = [],
): Promise<ExitResult> {
  const script = fileURLToPath(typeof fixture === 'string' ? new URL(fixture, FIXTURES) : fixture);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
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
