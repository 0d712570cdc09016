import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DashboardListenError } from '../../src/dashboard/DashboardListenError.js';
import { serveDashboard } from '../../src/dashboard/serveDashboard.js';
import { fakeLane, openEventStream, useDashboards } from './dashboardTestKit.js';

/** How many active handles of `kind` this thread holds now (a closed one goes on the next turns). */
function handles(kind: string): number {
  return process.getActiveResourcesInfo().filter((k) => k === kind).length;
}

function listeningBlocker(): Promise<Server> {
  const blocker = createServer();
  return new Promise((resolve) =>
    blocker.listen(0, '127.0.0.1', () => {
      resolve(blocker);
    }),
  );
}

describe('serveDashboard', () => {
  const serve = useDashboards();

  it('rejects a port in use with a DashboardListenError naming host:port, leaving nothing started', async () => {
    const blocker = await listeningBlocker();
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const lane = fakeLane('main');
    try {
      const error = await serveDashboard(lane, { port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DashboardListenError);
      expect(error).toMatchObject({
        code: 'ERR_DASHBOARD_LISTEN',
        host: '127.0.0.1',
        port,
        cause: { code: 'EADDRINUSE' },
      });
      expect((error as Error).message).toMatch(`127.0.0.1:${port}: the port is in use`);
      expect(lane.observedStreams()).toBe(0);
      // The blocker's is the one server left listening.
      await expect.poll(() => handles('TCPServerWrap')).toBe(1);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('serves on 127.0.0.1 and any free port by default, and reports the URL', async () => {
    const dashboard = await serve(fakeLane('main'));
    expect(dashboard.host).toBe('127.0.0.1');
    expect(dashboard.port).toBeGreaterThan(0);
    expect(dashboard.url).toBe(`http://127.0.0.1:${dashboard.port}/`);
  });

  it('close() ends live streams, unsubscribes, stops listening, and is idempotent', async () => {
    const lane = fakeLane('main');
    const dashboard = await serveDashboard(lane);
    const stream = await openEventStream(dashboard);
    await stream.next();
    expect(lane.observedStreams()).toBe(4);
    const closing = dashboard.close();
    expect(dashboard.close()).toBe(closing);
    await closing;
    await expect(stream.next()).rejects.toThrow('/events ended');
    expect(lane.observedStreams()).toBe(0);
    expect(dashboard.clientCount).toBe(0);
    await expect(fetch(dashboard.url)).rejects.toThrow();
    // No server of this file is left: the others were closed after their tests.
    await expect.poll(() => handles('TCPServerWrap')).toBe(0);
  });

  it('forgets a page that disconnects mid-stream, and serves the next one', async () => {
    const dashboard = await serve(fakeLane('main'));
    const first = await openEventStream(dashboard);
    expect((await first.next()).type).toBe('snapshot');
    expect(dashboard.clientCount).toBe(1);
    first.hangUp();
    await expect.poll(() => dashboard.clientCount).toBe(0);
    const second = await openEventStream(dashboard);
    expect((await second.next()).type).toBe('snapshot');
    expect(dashboard.clientCount).toBe(1);
    second.hangUp();
  });

  describe('options', () => {
    it('refuses bad options with TypeError/RangeError saying what was expected', async () => {
      const lane = fakeLane('main');
      await expect(serveDashboard(lane, { port: '80' as never })).rejects.toThrow(TypeError);
      await expect(serveDashboard(lane, { port: 70_000 })).rejects.toThrow(/0 to 65535/);
      await expect(serveDashboard(lane, { port: -1 })).rejects.toThrow(RangeError);
      await expect(serveDashboard(lane, { host: '' })).rejects.toThrow(/`host`/);
      await expect(serveDashboard(lane, { recentTasks: 0 })).rejects.toThrow(/`recentTasks`/);
      await expect(serveDashboard(lane, { recentTasks: 1e6 })).rejects.toThrow(/at most 5000/);
      await expect(serveDashboard(lane, { prot: 1 } as never)).rejects.toThrow(/`prot`/);
      expect(lane.observedStreams()).toBe(0);
    });

    it('refuses no scheduler, something else, or two lanes of one name', async () => {
      await expect(serveDashboard([])).rejects.toThrow(/at least one/);
      await expect(serveDashboard({} as never)).rejects.toThrow(TypeError);
      const noMetrics = { ...fakeLane('x'), metrics$: undefined };
      await expect(serveDashboard(noMetrics as never)).rejects.toThrow(/metrics\$/);
      const a = fakeLane('same');
      await expect(serveDashboard([a, fakeLane('same')])).rejects.toThrow(/"same" twice/);
      expect(a.observedStreams()).toBe(0);
    });
  });
});
