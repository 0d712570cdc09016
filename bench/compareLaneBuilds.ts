/**
 * Two builds of the BullMQ lane in one process: `bullmq-lane-10k`'s workload (a scheduler and
 * an in-process worker of the same build, 10k no-op tasks) on checkout B over checkout A,
 * alternated round by round (which goes first alternating): the median and the geometric mean
 * of the per-round ratios. Each checkout must have been built (its `dist/`).
 *
 * ```sh
 * node --expose-gc --import tsx bench/compareLaneBuilds.ts /path/to/before /path/to/after [rounds]
 * ```
 */
import { pathToFileURL } from 'node:url';
import { createLaneRunner, type LaneBuild } from './bullmqLaneThroughput.js';
import { gc } from './gc.js';
import { CONCURRENCY } from './measure.js';

const TASKS = 10_000;
const WARMUP_TASKS = 1_000;
const DEFAULT_ROUNDS = 6;

async function load(checkout: string): Promise<LaneBuild> {
  const root = (await import(pathToFileURL(`${checkout}/dist/index.js`).href)) as LaneBuild;
  const bullmq = (await import(
    pathToFileURL(`${checkout}/dist/bullmq/index.js`).href
  )) as LaneBuild;
  return {
    AsyncTask: root.AsyncTask,
    BullMQScheduler: bullmq.BullMQScheduler,
    runWorker: bullmq.runWorker,
  };
}

const [checkoutA, checkoutB, roundsArgument] = process.argv.slice(2);
if (checkoutA === undefined || checkoutB === undefined) {
  console.error('Usage: compareLaneBuilds.ts CHECKOUT_A CHECKOUT_B [rounds]');
  process.exit(2);
}
const rounds = Number(roundsArgument ?? DEFAULT_ROUNDS);
const a = await createLaneRunner(CONCURRENCY, await load(checkoutA));
const b = await createLaneRunner(CONCURRENCY, await load(checkoutB));
try {
  await a.run(WARMUP_TASKS);
  await b.run(WARMUP_TASKS);
  const ratios: number[] = [];
  const perSide: { a: number[]; b: number[] } = { a: [], b: [] };
  const measure = async (side: 'a' | 'b'): Promise<number> => {
    gc();
    const tasksPerSecond = await (side === 'a' ? a : b).run(TASKS);
    perSide[side].push(tasksPerSecond);
    return tasksPerSecond;
  };
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      const first = await measure('a');
      ratios.push((await measure('b')) / first);
    } else {
      const first = await measure('b');
      ratios.push(first / (await measure('a')));
    }
  }
  ratios.sort((x, y) => x - y);
  const median = ((ratios[(rounds - 1) >> 1] ?? NaN) + (ratios[rounds >> 1] ?? NaN)) / 2;
  const geometricMean = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / rounds);
  const round = (values: number[]): number[] => values.map((v) => Math.round(v));
  console.log(
    JSON.stringify({
      bOverA: median,
      geometricMean,
      rounds,
      spread: [ratios[0], ratios.at(-1)],
      tasksPerSecond: { a: round(perSide.a), b: round(perSide.b) },
    }),
  );
} finally {
  await Promise.all([a.close(), b.close()]);
}
