import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExitResult } from './runToExit.js';

/** A script running in its own Node process, read while it runs. */
export interface RunningScript {
  /** Everything it has written to stdout so far. */
  readonly stdout: () => string;
  /** Resolves with the first match of `pattern` in stdout, as soon as it is written. */
  readonly waitForOutput: (pattern: RegExp) => Promise<RegExpMatchArray>;
  /** Sends it a signal. */
  readonly kill: (signal: NodeJS.Signals) => void;
  /** Resolves when it has exited, with what it wrote. */
  readonly exited: Promise<ExitResult>;
}

/**
 * Starts `script` (run through tsx) with `args`; unlike `runToExit`, for a process the test
 * talks to while it runs (reads its output, sends it a signal). A process that has not exited
 * when `waitForOutput` is still waiting makes it reject once the process exits.
 */
export function startScript(script: URL, args: readonly string[] = []): RunningScript {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const check of waiters) check();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<ExitResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
  return {
    stdout: () => stdout,
    waitForOutput: (pattern) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = stdout.match(pattern);
          if (match === null) return;
          waiters.delete(check);
          resolve(match);
        };
        waiters.add(check);
        check();
        void exited.then(({ code }) => {
          if (!waiters.delete(check)) return;
          reject(
            new Error(`exited (code ${code}) before writing ${pattern}:\n${stdout}\n${stderr}`),
          );
        });
      }),
    kill: (signal) => {
      child.kill(signal);
    },
    exited,
  };
}
