// Runs a contract fixture script in a plain node child process on the built library (dist/).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { contractFixture } from './helpers.js';

/** The built library, handed to every child script as its first argument. */
export const dist = new URL('../../dist/index.js', import.meta.url).href;

export interface ChildRun {
  /** The exit code, or why there is none (killed, or still running at the limit). */
  code: number | string;
  out: string;
  err: string;
}

/**
 * Runs `node [nodeArgs] fixtures/<script> <dist> [args]`. `limitMs` is there only so that a child
 * that does not exit fails its test instead of hanging it.
 */
export async function runChild(
  script: string,
  args: string[],
  { nodeArgs = [], limitMs }: { nodeArgs?: string[]; limitMs: number },
): Promise<ChildRun> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, fileURLToPath(contractFixture(script)), dist, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | string>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(`still running after ${limitMs} ms; printed ${out.trim()}`);
    }, limitMs);
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      resolve(exitCode ?? `killed by ${signal}`);
    });
  });
  return { code, out, err };
}
