/**
 * How the scenarios measure: the shape of a figure, the best of several runs, and a ratio taken
 * alternated in one process.
 */

/** The concurrency of every scheduler and peer queue in the scenarios. */
export const CONCURRENCY = 64;

/** Tasks run once, unmeasured, before a throughput is measured. */
export const WARMUP_TASKS = 5_000;

/**
 * Thrown by a scenario that cannot run here (a service it needs does not answer): the scenario
 * prints why instead of a figure, and `npm run bench` lists it as skipped, not failed.
 */
export class ScenarioSkipped extends Error {
  override readonly name = 'ScenarioSkipped';
}

/** A figure; `detail` is shown beside it (a spread, a count). */
export interface Figure {
  value: number;
  unit: string;
  detail?: string;
}

/**
 * A scenario's figure, and any further figures it measured in the same process (the peer's
 * side of a measurement taken in turns), each under its own name.
 */
export type Scenario = () => Promise<Figure & { more?: Record<string, Figure> }>;

/** The CPU time this process has used, user + system, ms. */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The ratio `a / b` with both measured in this process, back to back, `rounds` times (which goes
 * first alternates): the median of the per-round ratios. On this shared host one process's runs
 * of the same code vary up to 2x from minute to minute; a pair measured seconds apart shares the
 * minute, and the median ignores the round a neighbour's burst hit one side of.
 */
export async function alternatedRatio(
  rounds: number,
  a: () => Promise<number> | number,
  b: () => Promise<number> | number,
): Promise<number> {
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      const first = await a();
      ratios.push(first / (await b()));
    } else {
      const first = await b();
      ratios.push((await a()) / first);
    }
  }
  ratios.sort((x, y) => x - y);
  const middle = rounds >> 1;
  return rounds % 2 === 1
    ? (ratios[middle] as number)
    : ((ratios[middle - 1] as number) + (ratios[middle] as number)) / 2;
}

/** The best (highest) of `runs` runs of `measure`. */
export async function best(runs: number, measure: () => Promise<number> | number): Promise<number> {
  let top = 0;
  for (let i = 0; i < runs; i++) top = Math.max(top, await measure());
  return top;
}
