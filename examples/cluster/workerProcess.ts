/**
 * Starting and stopping the cluster demo's worker processes (examples/cluster/worker.ts), each
 * a separate Node process with an IPC channel to the demo.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import type { ParentMessage, WorkerMessage } from './messages.js';

const WORKER_FILE = new URL('./worker.ts', import.meta.url);
/** A worker that has not exited this long after being told to close is killed. */
const CLOSE_LIMIT_MS = 10_000;

/** A running worker process, as the demo holds it. */
export interface WorkerProcess {
  /** Its name, as BullMQ records it on the jobs it takes (`job.processedBy`). */
  readonly name: string;
  readonly pid: number;
  /** Jobs it runs at once. */
  readonly concurrency: number;
  /** True once the process has exited (closed, or killed). */
  readonly exited: boolean;
  /** Kills it at once, as a crash would: its jobs are left to BullMQ's stalled-job check. */
  kill(): Promise<void>;
  /** Lets it finish its running jobs and exit; killed if it takes longer than 10 s. */
  close(): Promise<void>;
}

/**
 * Starts worker.ts as `name` on `queue`, and resolves once it takes jobs.
 *
 * @throws Error with what it wrote, when it exits before it is ready.
 */
export async function startWorkerProcess(
  name: string,
  queue: string,
  redisUrl: string,
): Promise<WorkerProcess> {
  // The worker runs as this process does (tsx's loader included: process.execArgv).
  const child = fork(WORKER_FILE, ['--name', name, '--queue', queue, '--redis', redisUrl], {
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  let exited = false;
  const exit = once(child, 'exit').then(() => {
    exited = true;
  });
  const ready = await new Promise<Extract<WorkerMessage, { type: 'ready' }>>((resolve, reject) => {
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') resolve(message);
    });
    void exit.then(() => {
      reject(new Error(`worker ${name} exited before it was ready:\n${stderr}`));
    });
  });
  const stopBy = async (signal: NodeJS.Signals): Promise<void> => {
    if (!exited) child.kill(signal);
    await exit;
  };
  return {
    name: ready.name,
    pid: ready.pid,
    concurrency: ready.concurrency,
    get exited() {
      return exited;
    },
    kill: () => stopBy('SIGKILL'),
    close: async () => {
      if (exited) return;
      const message: ParentMessage = { type: 'close' };
      child.send(message);
      const limit = setTimeout(() => void stopBy('SIGKILL'), CLOSE_LIMIT_MS);
      await exit;
      clearTimeout(limit);
    },
  };
}
