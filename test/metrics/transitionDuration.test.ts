import { describe, expect, it } from 'vitest';
import type { TaskTransition } from '../../src/index.js';
import {
  TRANSITION_DURATION_MS,
  transitionDurationMs,
} from '../../src/metrics/transitionDuration.js';
import { createHarness, Gate } from '../support/harness.js';

/** A transition whose info must not be built: reading it fails the test. */
function carrying(to: 'STARTED' | 'DONE', durationMs: number): TaskTransition {
  const transition = { id: 't', name: 'n', lane: 'main', from: 'SCHEDULED', to, at: 1 } as const;
  return Object.defineProperties(
    { ...transition },
    {
      info: {
        get() {
          throw new Error('info was built');
        },
      },
      [TRANSITION_DURATION_MS]: { value: durationMs },
    },
  ) as TaskTransition;
}

describe('transitionDurationMs()', () => {
  it('reads the duration a lane put on the transition, without building its info', () => {
    expect(transitionDurationMs(carrying('STARTED', 12.5))).toBe(12.5);
    expect(transitionDurationMs(carrying('DONE', 0))).toBe(0);
  });

  it("falls back to the info's waitMs (to STARTED) or runMs", () => {
    const base = { id: 't', name: 'n', lane: 'main', at: 1 } as const;
    const info = { waitMs: 3, runMs: 7 } as TaskTransition['info'];
    expect(transitionDurationMs({ ...base, from: 'SCHEDULED', to: 'STARTED', info })).toBe(3);
    expect(transitionDurationMs({ ...base, from: 'STARTED', to: 'FAILED', info })).toBe(7);
  });

  it("agrees with each AsyncScheduler transition's info, and stays out of its own keys", async () => {
    const { scheduler, clock, transitions } = createHarness();
    const gate = new Gate('g');
    const id = scheduler.submitTask(gate.task);
    await clock.advance(4);
    await gate.resolve(id, 'r');
    await scheduler.waitTask(id);
    const started = transitions.find((t) => t.to === 'STARTED')!;
    const done = transitions.find((t) => t.to === 'DONE')!;
    expect(transitionDurationMs(started)).toBe(started.info.waitMs);
    expect(transitionDurationMs(done)).toBe(done.info.runMs);
    expect(transitionDurationMs(done)).toBe(4);
    expect(Object.getOwnPropertySymbols(done)).toEqual([]);
    expect(Object.keys(JSON.parse(JSON.stringify(done)) as object).sort()).toEqual(
      ['at', 'from', 'id', 'info', 'lane', 'name', 'to'].sort(),
    );
  });
});
