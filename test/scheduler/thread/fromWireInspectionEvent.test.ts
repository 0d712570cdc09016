import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { createActor, createMachine, type InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { fromWireInspectionEvent } from '../../../src/scheduler/placements/thread/fromWireInspectionEvent.js';
import type { WireInspectionEvent } from '../../../src/scheduler/placements/thread/laneThreadMessages.js';
import { toWireInspectionEvent } from '../../../src/scheduler/placements/thread/wireInspection.js';

/** The inspection events of a small actor that takes one event, live and as wire data. */
function recordActor(): { live: InspectionEvent[]; wire: WireInspectionEvent[] } {
  const live: InspectionEvent[] = [];
  const machine = createMachine({
    id: 'toggle',
    initial: 'off',
    states: { off: { on: { go: 'on' } }, on: {} },
  });
  const actor = createActor(machine, { inspect: (event) => live.push(event) });
  actor.start();
  actor.send({ type: 'go' });
  return { live, wire: live.map((event) => toWireInspectionEvent(event)) };
}

describe('fromWireInspectionEvent', () => {
  it('gives actor references a getSnapshot() that answers with the snapshot carried', () => {
    const { wire } = recordActor();
    const snapshotEvent = wire.find((event) => event.type === '@xstate.snapshot');
    const created = wire.find((event) => event.type === '@xstate.actor');
    expect(snapshotEvent).toBeDefined();
    expect(created).toBeDefined();
    const rebuilt = fromWireInspectionEvent(snapshotEvent as WireInspectionEvent);
    expect(rebuilt.actorRef.getSnapshot()).toEqual(snapshotEvent?.snapshot);
    expect(fromWireInspectionEvent(created as WireInspectionEvent).actorRef.getSnapshot()).toEqual({
      status: 'active',
    });
  });

  it('puts the prefix before every session id: actor, source and root', () => {
    const { wire } = recordActor();
    const sent = wire.find((event) => event.sourceRef !== undefined) ?? {
      ...(wire[0] as WireInspectionEvent),
      sourceRef: { id: 'parent', sessionId: 'x:9' },
    };
    const rebuilt = fromWireInspectionEvent(sent, { sessionPrefix: 'urgent/' });
    expect(rebuilt.actorRef.sessionId).toBe(`urgent/${sent.actorRef.sessionId}`);
    expect(rebuilt.rootId).toBe(`urgent/${sent.rootId}`);
    expect((rebuilt as { sourceRef?: { sessionId: string } }).sourceRef?.sessionId).toBe(
      `urgent/${sent.sourceRef?.sessionId ?? ''}`,
    );
    expect((rebuilt.actorRef as { id?: string }).id).toBe(sent.actorRef.id);
  });

  it('returns a live event, or one rebuilt before, as it is', () => {
    const { live, wire } = recordActor();
    const event = live[0] as InspectionEvent;
    expect(fromWireInspectionEvent(event, { sessionPrefix: 'p/' })).toBe(event);
    const once = fromWireInspectionEvent(wire[0] as WireInspectionEvent, { sessionPrefix: 'p/' });
    expect(fromWireInspectionEvent(once, { sessionPrefix: 'p/' })).toBe(once);
  });

  it('makes wire events that the @statelyai/inspect converter takes', async () => {
    const { wire } = recordActor();
    const sent: StatelyInspectionEvent[] = [];
    const all = new Promise<void>((resolve) => {
      const inspector = createInspector({
        send: (event) => {
          sent.push(event);
          if (sent.length === 3) resolve();
        },
      });
      for (const event of wire
        .filter((e) => e.type !== '@xstate.microstep' && e.type !== '@xstate.action')
        .slice(0, 3)) {
        inspector.inspect.next?.(fromWireInspectionEvent(event, { sessionPrefix: 't/' }));
      }
    });
    await all;
    expect(sent.map((event) => event.type)).toEqual([
      '@xstate.actor',
      '@xstate.event',
      '@xstate.snapshot',
    ]);
    expect(sent.every((event) => event.sessionId.startsWith('t/'))).toBe(true);
  });
});
