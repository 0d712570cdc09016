import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncScheduler } from '../../src/index.js';
import type { DashboardMessage } from '../../src/dashboard/types.js';
import { countFreezes, DEEP_QUEUE, deepQueue, FREEZE_BUDGET } from '../support/deepQueue.js';
import { echoTask } from '../support/harness.js';
import { openEventStream, useDashboards } from './dashboardTestKit.js';

/** A GET with a Host header of our choosing (fetch will not send a forged one). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('serveDashboard', () => {
  const serve = useDashboards();
  const schedulers: AsyncScheduler[] = [];
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop({ cancel: true })));
  });

  function scheduler(name = 'main'): AsyncScheduler {
    const s = new AsyncScheduler({ name }).start();
    schedulers.push(s);
    return s;
  }

  describe('GET /', () => {
    it('serves one self-contained page, its token in a meta tag, under a strict CSP', async () => {
      const dashboard = await serve(scheduler());
      const response = await fetch(dashboard.url);
      const html = await response.text();
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      const csp = response.headers.get('content-security-policy') ?? '';
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeDefined();
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self'");
      expect(html).toContain(`<script type="module" nonce="${nonce ?? ''}">`);
      expect(html).toMatch(/<meta name="dashboard-token" content="[\w-]{43}">/);
      // Nothing from anywhere else: no external script, stylesheet or image.
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
      const again = await (await fetch(dashboard.url)).text();
      expect(/nonce="([^"]+)"/.exec(again)?.[1]).not.toBe(nonce);
    });

    it('refuses a request whose Host is another name (DNS rebinding) with 403', async () => {
      const dashboard = await serve(scheduler());
      expect(await getWithHost(dashboard.url, `evil.example:${dashboard.port}`)).toBe(403);
      expect(await getWithHost(dashboard.url, `localhost:${dashboard.port}`)).toBe(200);
      expect(await getWithHost(dashboard.url, `127.0.0.1:${dashboard.port + 1}`)).toBe(403);
    });

    it('answers 404 for another path and 405 for another method', async () => {
      const dashboard = await serve(scheduler());
      expect((await fetch(`${dashboard.url}nope`)).status).toBe(404);
      const post = await fetch(dashboard.url, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET');
    });
  });

  describe('GET /api/state', () => {
    it('counts tasks the lanes had before the dashboard, and keeps the newest recentTasks', async () => {
      const s = scheduler();
      const ids = Array.from({ length: 12 }, (_, i) => s.submitTask(echoTask(), i));
      await Promise.all(ids.map((id) => s.waitTask(id)));
      const dashboard = await serve(s, { recentTasks: 5 });
      const state = (await (await fetch(`${dashboard.url}api/state`)).json()) as DashboardMessage;
      expect(state.type).toBe('snapshot');
      const [lane] = state.lanes;
      expect(lane?.lane).toBe('main');
      expect(lane?.counts.DONE).toBe(12);
      expect(lane?.timeline.map((t) => t.id)).toEqual(ids.slice(-5));
      expect(lane?.timeline[0]).toMatchObject({ state: 'DONE', name: 'echo' });
      expect(lane?.slowestFinished).toHaveLength(8);
    });

    it('answers without building an info for each queued task of a deep queue', async () => {
      // Work is counted, not timed: each TaskInfo built freezes two objects.
      const s = new AsyncScheduler({ concurrency: 1 }).start();
      schedulers.push(s);
      await deepQueue(s, DEEP_QUEUE);
      const dashboard = await serve(s);
      const { value: state, freezes } = await countFreezes(
        async () =>
          (await (await fetch(`${dashboard.url}api/state`)).json()) as {
            lanes: { slowestRunning: { name: string }[] }[];
          },
      );
      expect(state.lanes[0]?.slowestRunning.map((row) => row.name)).toEqual(['running']);
      expect(freezes).toBeLessThan(FREEZE_BUDGET);
    });
  });

  describe('GET /events', () => {
    it('sends a snapshot, then batched updates: thousands of transitions, a handful of events', async () => {
      const s = scheduler();
      const dashboard = await serve(s);
      const stream = await openEventStream(dashboard);
      const first = await stream.next();
      expect(first.type).toBe('snapshot');
      expect(first.message.lanes[0]?.counts.DONE).toBe(0);
      const tasks = 3_000;
      for (let i = 0; i < tasks; i++) s.submitTask(echoTask(), i);
      // Each task makes 4 transitions: a write per transition would be 12,000 events. At most
      // one per 100 ms makes a handful here; the bound leaves room for a slow, busy machine.
      const events = await stream.until(
        (event) => event.type === 'update' && event.message.lanes[0]?.counts.DONE === tasks,
      );
      expect(events).toBeLessThan(tasks / 10);
      stream.hangUp();
    });

    it('lists errors$ failures with the warnings', async () => {
      const s = new AsyncScheduler({
        onDone: () => {
          throw new Error('callback broke');
        },
      }).start();
      schedulers.push(s);
      const dashboard = await serve(s);
      const stream = await openEventStream(dashboard);
      await stream.next();
      s.submitTask(echoTask(), 1);
      await stream.until((event) =>
        (event.message.lanes[0]?.warnings ?? []).some(
          (w) => w.kind === 'error' && w.message.includes('callback broke'),
        ),
      );
      stream.hangUp();
    });
  });
});
