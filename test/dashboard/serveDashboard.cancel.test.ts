import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncScheduler } from '../../src/index.js';
import { echoTask, hangingTask } from '../support/harness.js';
import { postCancel, readToken, useDashboards } from './dashboardTestKit.js';

describe('serveDashboard', () => {
  const serve = useDashboards();
  const schedulers: AsyncScheduler[] = [];
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop({ cancel: true })));
  });

  /** A started scheduler with one task STARTED (it never ends on its own). */
  async function withRunningTask(): Promise<{ scheduler: AsyncScheduler; id: string }> {
    const scheduler = new AsyncScheduler().start();
    schedulers.push(scheduler);
    const started = firstValueFrom(scheduler.transitions$.pipe(filter((t) => t.to === 'STARTED')));
    const id = scheduler.submitTask(hangingTask());
    await started;
    return { scheduler, id };
  }

  describe('POST /api/lanes/:lane/tasks/:id/cancel', () => {
    it('cancels a running task with the page token and answers with its new state', async () => {
      const { scheduler, id } = await withRunningTask();
      const dashboard = await serve(scheduler);
      const answer = await postCancel(dashboard, 'main', id, await readToken(dashboard));
      expect(answer).toEqual({
        status: 200,
        body: { canceled: true, id, name: 'hang', state: 'CANCELED' },
      });
      expect(scheduler.taskInfo(id)).toMatchObject({
        state: 'CANCELED',
        reason: 'canceled from the dashboard',
      });
    });

    it('refuses with 403 and cancels nothing without the token or with a wrong one', async () => {
      const { scheduler, id } = await withRunningTask();
      const dashboard = await serve(scheduler);
      const token = await readToken(dashboard);
      const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      for (const attempt of [undefined, '', wrong, token.slice(1)]) {
        const { status, body } = await postCancel(dashboard, 'main', id, attempt);
        expect(status).toBe(403);
        expect(body['message']).toMatch(/x-dashboard-token/);
      }
      expect(scheduler.taskState(id)).toBe('STARTED');
    });

    it('refuses with 403 a request from another origin, even with the token', async () => {
      const { scheduler, id } = await withRunningTask();
      const dashboard = await serve(scheduler);
      const token = await readToken(dashboard);
      const { status } = await postCancel(dashboard, 'main', id, token, {
        origin: 'http://evil.example',
      });
      expect(status).toBe(403);
      expect(scheduler.taskState(id)).toBe('STARTED');
    });

    it('answers 404 for an unknown lane or task id, and cancels nothing', async () => {
      const { scheduler, id } = await withRunningTask();
      const dashboard = await serve(scheduler);
      const token = await readToken(dashboard);
      const lane = await postCancel(dashboard, 'nope', id, token);
      expect(lane).toMatchObject({ status: 404, body: { canceled: false } });
      expect(lane.body['message']).toMatch(/lane "nope"/);
      const task = await postCancel(dashboard, 'main', 'no-such-id', token);
      expect(task).toMatchObject({ status: 404, body: { canceled: false } });
      expect(task.body['message']).toMatch(/task "no-such-id"/);
      const badEscape = await postCancel(dashboard, 'main', '%E0%A4%A', token);
      expect(badEscape.status).toBe(404);
      expect(scheduler.taskState(id)).toBe('STARTED');
    });

    it('answers 409 with the real state for a task that already finished', async () => {
      const scheduler = new AsyncScheduler().start();
      schedulers.push(scheduler);
      const id = scheduler.submitTask(echoTask(), 1);
      await scheduler.waitTask(id);
      const dashboard = await serve(scheduler);
      const answer = await postCancel(dashboard, 'main', id, await readToken(dashboard));
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ canceled: false, id, state: 'DONE' });
      expect(scheduler.taskState(id)).toBe('DONE');
    });

    it('answers 405 with Allow: POST for another method', async () => {
      const { scheduler, id } = await withRunningTask();
      const dashboard = await serve(scheduler);
      const response = await fetch(`${dashboard.url}api/lanes/main/tasks/${id}/cancel`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(scheduler.taskState(id)).toBe('STARTED');
    });
  });
});
