/**
 * Scale-out (issue 15): 1 ms CPU tasks run by one worker process and by two, the producer (a
 * `BullMQScheduler`, or a raw BullMQ Queue for context) in this process. Each round spawns its
 * worker processes on a fresh queue, warms them up, measures, and deletes the queue's keys. The
 * CPU time of every process in play (this one, the workers, Redis) is read around the measured
 * batch, so that a ratio short of 2x comes with where the cores went.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { AsyncTask } from '../dist/index.js';
import { BullMQScheduler } from '../dist/bullmq/index.js';
import { deleteQueueKeys, freshQueueName, REDIS_URL, redisCpuMs, requireRedis } from './bullmq.js';
import { processCpuMs } from './measure.js';
import {
  SPIN_HANDLER,
  type FromWorkerProcess,
  type ToWorkerProcess,
  type WorkerKind,
} from './workerProcessMessages.js';

const WORKER_ENTRY = fileURLToPath(new URL('./bullmqWorkerProcess.ts', import.meta.url));

/**
 * Extra Node flags for the worker processes, space-separated, from `BENCH_WORKER_NODE_FLAGS`
 * (Node refuses `--cpu-prof` in NODE_OPTIONS): `--cpu-prof --cpu-prof-dir=DIR` profiles them.
 */
const EXTRA_WORKER_FLAGS = (process.env['BENCH_WORKER_NODE_FLAGS'] ?? '')
  .split(' ')
  .filter(Boolean);

/** The raw queue's event stream length: the BullMQ lane's default `eventsMaxLen`. */
const RAW_EVENTS_MAX_LEN = 100_000;

/** The longest a round's batch may take before the round fails (a lost event, say), ms. */
const BATCH_TIMEOUT_MS = 120_000;

/** How long a worker process may take to close and exit before it is killed, ms. */
const EXIT_GRACE_MS = 10_000;

/** A spawned worker process, spoken to over IPC. */
class WorkerProcess {
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  /** Spawns one and resolves once its worker takes jobs. */
  static async spawn(kind: WorkerKind, queue: string, concurrency: number): Promise<WorkerProcess> {
    const child = fork(WORKER_ENTRY, [kind, queue, String(concurrency)], {
      execArgv: [...EXTRA_WORKER_FLAGS, '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker = new WorkerProcess(child);
    await worker.#next('ready');
    return worker;
  }

  /** Its CPU time so far, ms. */
  async cpuMs(): Promise<number> {
    const reply = this.#next('cpu');
    this.#tell({ type: 'cpu' });
    const message = await reply;
    return message.type === 'cpu' ? message.cpuMs : NaN;
  }

  /** Closes its worker and waits for it to exit (kills it past the grace period). */
  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = once(this.#child, 'exit');
    this.#tell({ type: 'close' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), EXIT_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  #tell(message: ToWorkerProcess): void {
    this.#child.send(message);
  }

  /** The next message of `type`; rejects if the process exits first. */
  #next(type: FromWorkerProcess['type']): Promise<FromWorkerProcess> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromWorkerProcess): void => {
        if (message.type !== type) return;
        cleanUp();
        resolve(message);
      };
      const onExit = (code: number | null): void => {
        cleanUp();
        reject(new Error(`worker process exited (${String(code)}) before "${type}"`));
      };
      const cleanUp = (): void => {
        this.#child.off('message', onMessage);
        this.#child.off('exit', onExit);
      };
      this.#child.on('message', onMessage);
      this.#child.on('exit', onExit);
    });
  }
}

/** What submits a round's tasks and waits for all of them, in this process. */
interface Producer {
  /** Submits `count` CPU tasks of `ms` each at once; resolves once all are done. */
  run(count: number, ms: number): Promise<void>;
  close(): Promise<void>;
}

/** A BullMQScheduler with default options: each task followed to DONE on this side. */
function laneProducer(queue: string): Producer {
  const scheduler = new BullMQScheduler({ name: queue, connection: REDIS_URL, autoStart: true });
  const spinTask = new AsyncTask<[ms: number], number>('spin', { handler: SPIN_HANDLER });
  let done = 0;
  scheduler.transitions$.subscribe(({ to }) => {
    if (to === 'DONE') done++;
  });
  return {
    async run(count, ms) {
      const doneBefore = done;
      for (let i = 0; i < count; i++) scheduler.submitTask(spinTask, ms);
      await scheduler.onIdle();
      if (done - doneBefore !== count) {
        throw new Error(`BullMQ lane: ${String(done - doneBefore)} of ${String(count)} DONE`);
      }
    },
    close: () => scheduler.stop(),
  };
}

/** A raw BullMQ Queue adding in bulk, completions counted on the queue's events here. */
async function rawProducer(queue: string): Promise<Producer> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const eventsConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const jobs = new Queue(queue, {
    connection,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
    // The lane's default: BullMQ's own 10k events would be trimmed under a reader that lags
    // a batch of more than ~2.5k jobs, and its completions never counted.
    streams: { events: { maxLen: RAW_EVENTS_MAX_LEN } },
  });
  // From the stream's start, not '$': the queue is fresh, and '$' would miss the events of the
  // jobs added before the first XREAD reached Redis (waitUntilReady does not wait for it).
  const events = new QueueEvents(queue, { connection: eventsConnection, lastEventId: '0' });
  await events.waitUntilReady();
  let completed = 0;
  events.on('completed', () => {
    completed++;
  });
  return {
    async run(count, ms) {
      const target = completed + count;
      const allCompleted = new Promise<void>((resolve) => {
        const check = (): void => {
          if (completed < target) return;
          events.off('completed', check);
          resolve();
        };
        events.on('completed', check);
      });
      await jobs.addBulk(Array.from({ length: count }, () => ({ name: 'spin', data: { ms } })));
      await allCompleted;
    },
    async close() {
      await events.close();
      await jobs.close();
      connection.disconnect();
      eventsConnection.disconnect();
    },
  };
}

/** `done`, or a rejection naming `what` once {@link BATCH_TIMEOUT_MS} have passed. */
async function withDeadline(done: Promise<void>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`scale-out round: ${what} not done after ${String(BATCH_TIMEOUT_MS)} ms`));
    }, BATCH_TIMEOUT_MS);
  });
  try {
    await Promise.race([done, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** CPU ms per task, by process, over a measured batch. */
export interface CpuPerTask {
  /** This process: the producer (the scheduler following every task, or the raw Queue). */
  readonly benchMs: number;
  /** The worker processes together. */
  readonly workersMs: number;
  /** The Redis server (shared: other clients' commands count too). */
  readonly redisMs: number;
}

/** One measured batch: its throughput and where the CPU went. */
export interface ScaleOutRound {
  readonly tasksPerSecond: number;
  readonly cpuPerTask: CpuPerTask;
}

/** What one round runs. */
export interface ScaleOutPlan {
  readonly kind: WorkerKind;
  readonly processes: number;
  /** Each worker's concurrency. */
  readonly concurrency: number;
  readonly tasks: number;
  readonly warmupTasks: number;
  readonly taskMs: number;
}

/**
 * One round: spawns `processes` workers of `kind` on a fresh queue, runs the warm-up, then
 * measures `tasks` CPU tasks submitted at once, to the last one done as the producer sees it.
 *
 * @throws ScenarioSkipped when Redis does not answer.
 */
export async function scaleOutRound(plan: ScaleOutPlan): Promise<ScaleOutRound> {
  await requireRedis();
  const queue = freshQueueName(`scale-${plan.kind}`);
  const redis = new Redis(REDIS_URL);
  const workers: WorkerProcess[] = [];
  let producer: Producer | undefined;
  try {
    workers.push(
      ...(await Promise.all(
        Array.from({ length: plan.processes }, () =>
          WorkerProcess.spawn(plan.kind, queue, plan.concurrency),
        ),
      )),
    );
    const started = plan.kind === 'lane' ? laneProducer(queue) : await rawProducer(queue);
    producer = started;
    const runBatch = (count: number): Promise<void> =>
      withDeadline(started.run(count, plan.taskMs), `${plan.kind}: ${String(count)} tasks`);
    await runBatch(plan.warmupTasks);
    const cpuNow = async (): Promise<[number, number, number]> => {
      const [workersMs, redisMs] = await Promise.all([
        Promise.all(workers.map((worker) => worker.cpuMs())).then((all) =>
          all.reduce((sum, ms) => sum + ms, 0),
        ),
        redisCpuMs(redis),
      ]);
      return [processCpuMs(), workersMs, redisMs];
    };
    const before = await cpuNow();
    const startedAt = performance.now();
    await runBatch(plan.tasks);
    const elapsedMs = performance.now() - startedAt;
    const after = await cpuNow();
    const perTask = (i: 0 | 1 | 2): number => (after[i] - before[i]) / plan.tasks;
    return {
      tasksPerSecond: (plan.tasks / elapsedMs) * 1000,
      cpuPerTask: { benchMs: perTask(0), workersMs: perTask(1), redisMs: perTask(2) },
    };
  } finally {
    await producer?.close();
    await Promise.all(workers.map((worker) => worker.close()));
    await deleteQueueKeys(redis, queue).finally(() => {
      redis.disconnect();
    });
  }
}
