import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  EventStreamHub,
  FLUSH_INTERVAL_MS,
  HEARTBEAT_INTERVAL_MS,
  MAX_BUFFERED_BYTES,
} from '../../src/dashboard/EventStreamHub.js';
import { LaneFeed } from '../../src/dashboard/LaneFeed.js';
import { fakeLane, type FakeLane } from './dashboardTestKit.js';
import { doneInfo } from '../support/taskInfoFixture.js';

/** A response that records what was written, with a settable unsent-bytes figure. */
class FakeResponse extends EventEmitter {
  readonly chunks: string[] = [];
  writableLength = 0;
  ended = false;
  writeHead(): this {
    return this;
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  end(): this {
    this.ended = true;
    return this;
  }
  /** The SSE event types written so far, in order (comments as `:`). */
  types(): string[] {
    return this.chunks.flatMap((c) =>
      [...c.matchAll(/^(?:event: (\w+)|(:))/gm)].map((m) => m[1] ?? ':'),
    );
  }
}

function hubOf(lane: FakeLane): { hub: EventStreamHub; feed: LaneFeed } {
  const feed = new LaneFeed(lane, 10);
  return { hub: new EventStreamHub([feed], 10), feed };
}

function touch(lane: FakeLane, id: string): void {
  lane.transitions.next({
    id,
    name: id,
    lane: lane.name,
    from: 'NEW',
    to: 'SUBMITTED',
    at: 1,
    info: doneInfo(id),
  });
}

describe('EventStreamHub', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('batches: one update per flush interval however many transitions, none when idle', () => {
    vi.useFakeTimers();
    const lane = fakeLane('main');
    const { hub } = hubOf(lane);
    const page = new FakeResponse();
    hub.open(page as unknown as ServerResponse);
    for (let i = 0; i < 1_000; i++) touch(lane, `t${i}`);
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS * 5);
    expect(page.types()).toEqual(['snapshot', 'update']);
    vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
    expect(page.types()).toEqual(['snapshot', 'update', ':']);
    hub.close();
  });

  it('runs no timer while no page is connected', () => {
    vi.useFakeTimers();
    const { hub } = hubOf(fakeLane('main'));
    expect(vi.getTimerCount()).toBe(0);
    const page = new FakeResponse();
    hub.open(page as unknown as ServerResponse);
    expect(vi.getTimerCount()).toBe(1);
    page.emit('close');
    expect(hub.clientCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('skips a congested page until it drains, then sends it a fresh snapshot', () => {
    vi.useFakeTimers();
    const lane = fakeLane('main');
    const { hub } = hubOf(lane);
    const slow = new FakeResponse();
    hub.open(slow as unknown as ServerResponse);
    slow.writableLength = MAX_BUFFERED_BYTES + 1;
    touch(lane, 'a');
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS); // written, and now known to be congested
    touch(lane, 'b');
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS); // skipped
    expect(slow.types()).toEqual(['snapshot', 'update']);
    slow.writableLength = 0;
    slow.emit('drain');
    expect(slow.types()).toEqual(['snapshot', 'update', 'snapshot']);
    expect(slow.chunks.at(-1)).toContain('"id":"b"');
    hub.close();
    expect(slow.ended).toBe(true);
  });
});
