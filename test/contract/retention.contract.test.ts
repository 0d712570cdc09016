// Memory bounded by retention, seen from the outside (docs/contract.md invariant 6: "Memory is
// bounded by retention: a million finished tasks leave no more than `maxFinished` records";
// README: "`slowest()` still sees the slowest tasks ever finished").
// Each lane kind runs 20k tasks (two halves of 10k) in its own child process with --expose-gc and
// retention { maxFinished: 100 }. Checked: dumpTask() never holds more than 100 records; slowest(5)
// still answers, slowest first, and still knows an early slow task long evicted; the final
// TaskInfo snapshots handed to transitions$ subscribers are collected once evicted (counted by a
// FinalizationRegistry: a count, not bytes); and the heap the second 10k add is small next to
// what the first 10k added. No byte or time thresholds: counts and ratios only.
import { describe, expect, it } from 'vitest';
import { runChild } from './childProcess.js';

const MAX_FINISHED = 100;
/** Only so that a child that never ends fails the test instead of hanging it. */
const LIVENESS_MS = 30_000;

interface MemoryReport {
  kind: string;
  tasks: number;
  heap: [number, number, number];
  alive: [number, number];
  registered: number;
  dumpLength: number;
  dumpAllFinal: boolean;
  slowest: { id: string; runMs: number; state: string }[];
  slowId: string;
  slowRunMs: number;
  slowKnown: boolean;
  retainedMaxOutside: number;
}

async function runGcChild<T>(script: string, arg: string): Promise<T> {
  const { code, out, err } = await runChild(script, [arg], {
    nodeArgs: ['--expose-gc'],
    limitMs: LIVENESS_MS,
  });
  expect(code, err).toBe(0);
  return JSON.parse(out) as T;
}

const FINAL = ['DONE', 'FAILED', 'TIMED_OUT', 'CANCELED'];

describe('retention { maxFinished: 100 } after 20k tasks through each lane kind', () => {
  it('dumpTask() ≤ 100, slowest(5) answers, evicted snapshots are collected, heap growth levels off', async () => {
    const kinds = ['main-async', 'main-sync', 'thread-async', 'thread-sync'];
    const reports = await Promise.all(
      kinds.map((kind) => runGcChild<MemoryReport>('retentionMemory.mjs', kind)),
    );
    for (const r of reports) {
      const where = r.kind;
      expect(r.registered, where).toBe(r.tasks);
      // invariant 6: no more records than maxFinished, all of them finished
      expect(r.dumpLength, where).toBeLessThanOrEqual(MAX_FINISHED);
      expect(r.dumpLength, where).toBeGreaterThan(0);
      expect(r.dumpAllFinal, where).toBe(true);
      expect(r.slowKnown, `${where}: the early slow task was evicted`).toBe(false);

      // slowest(5): five finished tasks, slowest first, none slower left out of the retained ones,
      // and at least as slow as the early task that was evicted long ago
      expect(r.slowest, where).toHaveLength(5);
      for (const s of r.slowest) expect(FINAL, where).toContain(s.state);
      const runMs = r.slowest.map((s) => s.runMs);
      expect(runMs, where).toEqual([...runMs].sort((a, b) => b - a));
      expect(r.retainedMaxOutside, where).toBeLessThanOrEqual(runMs[4]!);
      expect(runMs[0], where).toBeGreaterThanOrEqual(r.slowRunMs);

      // the final snapshots handed out are collected once their records go: what is alive stays
      // within a small multiple of maxFinished (retained records plus the slowest-ever keeper's),
      // after 10k as after 20k tasks
      expect(r.alive[0], where).toBeLessThanOrEqual(3 * MAX_FINISHED);
      expect(r.alive[1], where).toBeLessThanOrEqual(3 * MAX_FINISHED);

      // heap after a full gc: the second 10k add no more than twice what the first 10k added
      // (the first includes everything that is built once); a floor of a tenth of the heap
      // keeps gc noise from deciding when both are close to nothing
      const [h0, h1, h2] = r.heap;
      const first = h1 - h0;
      const second = h2 - h1;
      expect(second, `${where}: heap ${r.heap.join(' → ')}`).toBeLessThanOrEqual(
        Math.max(2 * first, 0.1 * h1),
      );
      // and, whatever the first half did, the second half grows the heap by a fraction of it
      expect(second, `${where}: heap ${r.heap.join(' → ')}`).toBeLessThanOrEqual(0.25 * h1);
    }
  }, 45_000);
});

describe('waitTask() polling a long task leaves nothing behind', () => {
  interface WaitersReport {
    which: string;
    created: number;
    alive: number[];
    heap: number[];
    state: string;
    wrongRejections: number;
    perRound: number;
  }

  it('12k waits that give up (WaitTimeoutError) are forgotten: their signals are collected, the heap levels off', async () => {
    // 6 rounds of 2000 waitTask(id, { timeoutMs: 1, signal }) on a task that runs on; each
    // signal is fresh, never aborted, and counted by a FinalizationRegistry once collected.
    const reports = await Promise.all(
      ['main', 'thread'].map((which) => runGcChild<WaitersReport>('abandonedWaits.mjs', which)),
    );
    for (const r of reports) {
      const where = r.which;
      expect(r.wrongRejections, where).toBe(0);
      expect(r.state, `${where}: the task is untouched by its waiters`).toBe('STARTED');
      // what is alive after each round is a sliver of one round, not a pile growing per round
      for (const alive of r.alive) expect(alive, where).toBeLessThanOrEqual(r.perRound / 100);
      // the last five rounds add no more heap than the first round did (or a tenth of the heap)
      const [h0, h1] = r.heap as [number, number];
      const later = r.heap.at(-1)! - h1;
      expect(later, `${where}: heap ${r.heap.join(' → ')}`).toBeLessThanOrEqual(
        Math.max(2 * (h1 - h0), 0.1 * h1),
      );
    }
  }, 30_000);
});
