import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/index.js';
import { taskMachine, unobservedTaskMachine } from '../../src/machines/taskMachine.js';
import { EVERY_TASK_EVENT } from '../support/everyTaskEvent.js';

type AnyTaskMachine = typeof taskMachine | typeof unobservedTaskMachine;

/** Where `event` takes an actor of `machine` that reached `path` from NEW, with its tags. */
function replay(machine: AnyTaskMachine, path: readonly TaskEvent[]) {
  const actor = createActor(machine).start();
  for (const event of path) actor.send(event);
  const snapshot = actor.getSnapshot();
  return { state: snapshot.value, status: snapshot.status, tags: [...snapshot.tags].sort() };
}

/** Every edge of `machine` as `FROM --type--> TO`, found by trying every event in every state. */
function edgesOf(machine: AnyTaskMachine): string[] {
  const edges: string[] = [];
  const seen = new Set<string>();
  const paths: TaskEvent[][] = [[]];
  while (paths.length > 0) {
    const path = paths.shift() as TaskEvent[];
    const from = replay(machine, path);
    // A final actor has stopped: events sent to it are dropped with a warning.
    if (seen.has(from.state) || from.status === 'done') continue;
    seen.add(from.state);
    for (const event of EVERY_TASK_EVENT) {
      const to = replay(machine, [...path, event]);
      if (to.state === from.state) continue;
      edges.push(
        `${from.state} --${event.type}--> ${to.state} [${to.tags.join(',')}] ${to.status}`,
      );
      paths.push([...path, event]);
    }
  }
  return edges.sort();
}

describe('unobservedTaskMachine', () => {
  it('has the exported task machine’s states, edges, tags and final states', () => {
    const edges = edgesOf(unobservedTaskMachine);
    expect(edges).toEqual(edgesOf(taskMachine));
    expect(edges).toContain('STARTED --task.done--> DONE [FINISHED] done');
    expect(edges).toContain('SCHEDULED --task.start--> STARTED [RUNNING] active');
  });

  it('keeps nothing in its context: its lane records the stamps and the outcome', () => {
    const snapshot = createActor(unobservedTaskMachine).start().getSnapshot();
    expect(snapshot.context).toEqual({});
  });
});
