/**
 * Two builds of the scheduler in one process: the plain path's throughput (`scheduler-10k`'s
 * workload) of checkout B over checkout A, alternated round by round (which goes first
 * alternating), the median and the geometric mean of the per-round ratios. Each checkout must
 * have been built (`npm run build` there); each loads its own xstate and rxjs.
 *
 * ```sh
 * node --expose-gc --import tsx bench/compareBuilds.ts /path/to/before /path/to/after [rounds]
 * ```
 */
import { pathToFileURL } from 'node:url';
import { gc } from './gc.js';
import { CONCURRENCY, WARMUP_TASKS } from './measure.js';

type Build = typeof import('../dist/index.js');

const TASKS = 10_000;
const DEFAULT_ROUNDS = 16;

async function load(checkout: string): Promise<Build> {
  return (await import(pathToFileURL(`${checkout}/dist/index.js`).href)) as Build;
}

/** `count` no-op tasks submitted at once to a started scheduler of `build`; tasks per second. */
async function throughput(build: Build, count: number): Promise<number> {
  const noop = new build.AsyncTask('noop', () => undefined);
  const scheduler = new build.AsyncScheduler({ concurrency: CONCURRENCY }).start();
  let transitions = 0;
  scheduler.transitions$.subscribe(() => {
    transitions++;
  });
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) scheduler.submitTask(noop);
  await scheduler.stop();
  const elapsedMs = performance.now() - startedAt;
  if (transitions !== count * 4) throw new Error(`lost transitions: ${String(transitions)}`);
  return (count / elapsedMs) * 1000;
}

const [checkoutA, checkoutB, roundsArgument] = process.argv.slice(2);
if (checkoutA === undefined || checkoutB === undefined) {
  console.error('Usage: compareBuilds.ts CHECKOUT_A CHECKOUT_B [rounds]');
  process.exit(2);
}
const rounds = Number(roundsArgument ?? DEFAULT_ROUNDS);
const [a, b] = await Promise.all([load(checkoutA), load(checkoutB)]);
await throughput(a, WARMUP_TASKS);
await throughput(b, WARMUP_TASKS);
const ratios: number[] = [];
for (let round = 0; round < rounds; round++) {
  gc();
  if (round % 2 === 0) {
    const first = await throughput(a, TASKS);
    gc();
    ratios.push((await throughput(b, TASKS)) / first);
  } else {
    const first = await throughput(b, TASKS);
    gc();
    ratios.push(first / (await throughput(a, TASKS)));
  }
}
ratios.sort((x, y) => x - y);
const median = ((ratios[(rounds - 1) >> 1] ?? NaN) + (ratios[rounds >> 1] ?? NaN)) / 2;
const geometricMean = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / rounds);
console.log(
  JSON.stringify({
    bOverA: median,
    geometricMean,
    rounds,
    spread: [ratios[0], ratios.at(-1)],
  }),
);
