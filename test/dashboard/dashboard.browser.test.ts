import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { filter, firstValueFrom } from 'rxjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AsyncScheduler } from '../../src/index.js';
import { createDemoLanes, startDemoWorkload } from '../../examples/dashboard.js';
import { echoTask, hangingTask } from '../support/harness.js';
import type { TaskInfo } from '../../src/tasks/types.js';
import { doneInfo } from '../support/taskInfoFixture.js';
import {
  fakeLane,
  laneSample,
  parsePrometheus,
  sampleValue,
  useDashboards,
} from './dashboardTestKit.js';

/** Debian's Chromium; the test never downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const SCREENSHOT = fileURLToPath(new URL('../../docs/dashboard.png', import.meta.url));
const VIEWPORT = { width: 1440, height: 900 };

describe('serveDashboard', () => {
  describe('in headless Chromium', () => {
    const serve = useDashboards();
    let browser: Browser | undefined;
    const pages: Page[] = [];
    const schedulers: AsyncScheduler[] = [];

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(
          `No Chromium at ${CHROMIUM}: install Debian's chromium: apt-get install -y chromium`,
        );
      }
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      });
    });
    afterEach(async () => {
      await Promise.all(pages.splice(0).map((page) => page.close()));
      await Promise.all(schedulers.splice(0).map((s) => s.stop({ cancel: true })));
    });
    afterAll(async () => {
      await browser?.close();
    });

    /** A page that records its script errors and console errors (CSP violations among them). */
    async function openPage(url: string): Promise<{ page: Page; problems: string[] }> {
      if (browser === undefined) throw new Error('Chromium did not start');
      const page = await browser.newPage({ viewport: VIEWPORT, colorScheme: 'dark' });
      pages.push(page);
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(url);
      await page.getByTestId('connection-status').filter({ hasText: 'live' }).waitFor();
      return { page, problems };
    }

    function started(): AsyncScheduler {
      const s = new AsyncScheduler().start();
      schedulers.push(s);
      return s;
    }

    it('loads the page and shows tasks reaching DONE, in the diagram and the timeline', async () => {
      const s = started();
      const dashboard = await serve(s);
      const { page, problems } = await openPage(dashboard.url);
      const lane = page.getByTestId('lane-main');
      await lane.getByTestId('state-count-DONE').filter({ hasText: /^0$/ }).waitFor();
      const ids = Array.from({ length: 5 }, (_, i) => s.submitTask(echoTask(), i));
      await Promise.all(ids.map((id) => s.waitTask(id)));
      await lane.getByTestId('state-count-DONE').filter({ hasText: /^5$/ }).waitFor();
      await expect
        .poll(() => lane.locator('[data-testid="timeline-bar"][data-state="DONE"]').count())
        .toBe(5);
      expect(await lane.getByTestId('slowest-finished').getByTestId('task-row').count()).toBe(5);
      expect(problems).toEqual([]);
    });

    it('cancels a running task from its Cancel button', async () => {
      const s = started();
      const running = firstValueFrom(s.transitions$.pipe(filter((t) => t.to === 'STARTED')));
      const id = s.submitTask(hangingTask('stuck-job'));
      await running;
      const dashboard = await serve(s);
      const { page, problems } = await openPage(dashboard.url);
      const lane = page.getByTestId('lane-main');
      await lane.locator(`[data-testid="cancel-button"][data-task-id="${id}"]`).click();
      await lane
        .getByTestId('cancel-result')
        .filter({ hasText: /^Canceled stuck-job/ })
        .waitFor();
      expect(s.taskState(id)).toBe('CANCELED');
      await lane.getByTestId('state-count-CANCELED').filter({ hasText: /^1$/ }).waitFor();
      await expect
        .poll(() => lane.getByTestId('slowest-running').getByTestId('task-row').count())
        .toBe(0);
      expect(problems).toEqual([]);
    });

    it('shows retries: the totals, a task waiting out its backoff, and a retried task with its attempts', async () => {
      const now = Date.now();
      const failedAttempt = (attempt: number, message: string) =>
        ({
          attempt,
          start: now - 1_000 + attempt * 100,
          end: now - 1_000 + attempt * 100 + 40,
          state: 'FAILED',
          error: { name: 'Error', message },
        }) as const;
      const waiting: TaskInfo = {
        ...doneInfo('0190-waiting-000001'),
        name: 'flaky-fetch',
        state: 'SCHEDULED',
        ts: { submit: now - 1_000, schedule: now - 1_000, start: now - 900 },
        attempt: 2,
        attempts: [failedAttempt(1, 'connection reset')],
        runAfter: now + 60_000,
      };
      const finished: TaskInfo = {
        ...doneInfo('0190-finished-00002'),
        name: 'flaky-report',
        ts: { submit: now - 1_000, start: now - 500, done: now - 400 },
        waitMs: 500,
        runMs: 100,
        attempt: 3,
        attempts: [failedAttempt(1, 'first failure'), failedAttempt(2, 'second failure')],
      };
      const lane = {
        ...fakeLane('jobs'),
        delayedCount: 2,
        taskInfo: (id: string): TaskInfo => (id === waiting.id ? waiting : finished),
        slowest: (_n: number, options: { running: boolean }): TaskInfo[] =>
          options.running ? [] : [finished],
      };
      const dashboard = await serve(lane);
      const { page, problems } = await openPage(dashboard.url);
      lane.metrics.next(laneSample('jobs', { retried: 4 }));
      lane.transitions.next({
        id: waiting.id,
        name: waiting.name,
        lane: 'jobs',
        from: 'STARTED',
        to: 'SCHEDULED',
        at: now - 850,
        info: waiting,
        reason: 'retry',
      });
      const section = page.getByTestId('lane-jobs');
      await section
        .getByTestId('figure-retried')
        .filter({ hasText: /^Retried\s*4$/ })
        .waitFor();
      await expect.poll(() => section.getByTestId('figure-delayed').textContent()).toBe('Delayed2');

      const retryRow = section.getByTestId('retrying').getByTestId('task-row');
      await retryRow.first().waitFor();
      expect(await retryRow.count()).toBe(1);
      expect(await retryRow.getByTestId('attempt').textContent()).toBe('attempt 2');
      expect(await retryRow.getByTestId('run-after').textContent()).toBe(
        new Date(waiting.runAfter!).toISOString().slice(11, 23),
      );

      const finishedRow = section.getByTestId('slowest-finished').getByTestId('task-row');
      await finishedRow.first().waitFor();
      expect(await finishedRow.getByTestId('attempt').textContent()).toBe('attempt 3');
      const attempts = finishedRow.getByTestId('attempts');
      await attempts.locator('summary').click();
      const items = attempts.locator('li');
      expect(await items.count()).toBe(2);
      expect(await items.nth(0).textContent()).toMatch(/^#1 FAILED .* → .*first failure$/);
      expect(await items.nth(1).textContent()).toMatch(/second failure$/);
      const bar = section.locator(`[data-testid="timeline-bar"][data-task-id="${waiting.id}"]`);
      expect(await bar.locator('title').textContent()).toContain('attempt 2');
      expect(problems).toEqual([]);
    });

    it('serves /metrics that parses, fetched from the page', async () => {
      const s = started();
      await s.waitTask(s.submitTask(echoTask(), 1));
      const dashboard = await serve(s);
      const { page } = await openPage(dashboard.url);
      const text = await page.evaluate(async () => (await fetch('/metrics')).text());
      const samples = parsePrometheus(text);
      expect(sampleValue(samples, 'async_scheduler_tasks_running', { lane: 'main' })).toBe(0);
      await expect
        .poll(async () =>
          sampleValue(
            parsePrometheus(await page.evaluate(async () => (await fetch('/metrics')).text())),
            'async_scheduler_tasks_retried_total',
            { lane: 'main' },
          ),
        )
        .toBe(0);
      expect(samples.length).toBeGreaterThan(0);
    });

    it('does not let a page of another origin in the same browser cancel, or read the token', async () => {
      const s = started();
      const running = firstValueFrom(s.transitions$.pipe(filter((t) => t.to === 'STARTED')));
      const id = s.submitTask(hangingTask());
      await running;
      const dashboard = await serve(s);
      const other: Server = createServer((_request, response) => {
        response
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><title>elsewhere</title>');
      });
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      try {
        const address = other.address();
        const port = typeof address === 'object' && address !== null ? address.port : 0;
        if (browser === undefined) throw new Error('Chromium did not start');
        const page = await browser.newPage();
        pages.push(page);
        await page.goto(`http://127.0.0.1:${port}/`);
        const cancelUrl = `${dashboard.url}api/lanes/main/tasks/${id}/cancel`;
        const outcomes = await page.evaluate(
          async ([pageUrl, url]) => {
            const attempt = async (run: () => Promise<Response>): Promise<string> =>
              run().then(
                (response) => `${response.type} ${response.status}`,
                () => 'blocked',
              );
            return [
              await attempt(() => fetch(pageUrl)),
              await attempt(() =>
                fetch(url, { method: 'POST', headers: { 'x-dashboard-token': 'guess' } }),
              ),
              await attempt(() => fetch(url, { method: 'POST', mode: 'no-cors' })),
            ];
          },
          [dashboard.url, cancelUrl] as const,
        );
        expect(outcomes).toEqual(['blocked', 'blocked', 'opaque 0']);
        expect(s.taskState(id)).toBe('STARTED');
      } finally {
        await new Promise((resolve) => other.close(resolve));
      }
    });

    it('shows an AsyncScheduler and two SchedulerThreads side by side under load', async () => {
      const lanes = createDemoLanes();
      const all = [lanes.main, lanes.urgent, lanes.normal];
      const stopWorkload = startDemoWorkload(lanes);
      try {
        const dashboard = await serve(all);
        const { page } = await openPage(dashboard.url);
        for (const name of ['main', 'urgent', 'normal']) {
          const lane = page.getByTestId(`lane-${name}`);
          await lane.getByTestId('state-count-DONE').filter({ hasNotText: /^0$/ }).waitFor();
          expect(await lane.getByTestId('timeline-bar').count()).toBeGreaterThan(0);
        }
        await expect.poll(() => page.getByText('own thread').count()).toBe(2);
        if (process.env['UPDATE_SCREENSHOT'] === '1') {
          // A telling picture: a queue on 'urgent', a blocked-loop warning on 'normal'.
          await page
            .getByTestId('lane-urgent')
            .getByTestId('state-count-DONE')
            .filter({ hasText: /^\d{3,}$/ })
            .waitFor();
          await page
            .getByTestId('lane-normal')
            .getByTestId('warnings')
            .getByText('loop.blocked')
            .first()
            .waitFor();
          await page.screenshot({ path: SCREENSHOT, fullPage: true });
        }
      } finally {
        stopWorkload();
        await Promise.all(all.map((s) => s.stop({ cancel: true })));
      }
    });
  });
});
