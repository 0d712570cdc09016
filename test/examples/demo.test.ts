import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runToExit } from '../support/runToExit.js';
import { startScript, type RunningScript } from '../support/runningScript.js';

const DEMO = new URL('../../examples/demo.ts', import.meta.url);
/** The demo's workload must finish by itself well within this (issue 4: under 20 s on its own). */
const DEMO_LIMIT_MS = 60_000;
const DASHBOARD_URL = /^Dashboard: (http:\/\/127\.0\.0\.1:(\d+)\/)$/m;

/** A port taken by a listening server of this test, until `close`d. */
async function occupiedPort(): Promise<Server> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}
const portOf = (server: Server): number => (server.address() as AddressInfo).port;

/** A port nothing listens on now (the demos' own 7878 would collide between parallel runs). */
async function freePort(): Promise<number> {
  const server = await occupiedPort();
  const port = portOf(server);
  server.close();
  await once(server, 'close');
  return port;
}

async function expectPage(url: string): Promise<void> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<html');
}

describe('the npm start demo', () => {
  const running: RunningScript[] = [];
  const servers: Server[] = [];
  afterEach(() => {
    for (const demo of running.splice(0)) demo.kill('SIGKILL');
    for (const server of servers.splice(0)) server.close();
  });
  const startDemo = (args: string[]): RunningScript => {
    const demo = startScript(DEMO, args);
    running.push(demo);
    return demo;
  };

  it(
    'runs three lanes to the end by itself and reports what happened',
    async () => {
      const { code, stdout, stderr } = await runToExit(DEMO);
      expect(stderr).not.toMatch(/Error|unhandled/i);
      expect(code).toBe(0);
      expect(stdout).not.toMatch(DASHBOARD_URL);
      // Not a terminal here: plain progress lines, one per lane, then the report.
      expect(stdout).toMatch(/^\[\d+\.\ds\] main +loop +\[/m);
      expect(stdout).toMatch(/^\[\d+\.\ds\] urgent +thread +\[/m);
      expect(stdout).toMatch(/All \d+ tasks finished in [\d.]+ s\./);
      // The repeating health check: its occurrences are tasks of their own, all DONE.
      expect(stdout).toMatch(/^Repeating: (\d+) health checks, .*: \1 DONE\.$/m);
      for (const lane of ['main', 'urgent', 'normal']) {
        expect(stdout).toMatch(new RegExp(`^${lane} +\\d+ +\\d+`, 'm'));
      }
      // The task that blocks the main loop on purpose is named by its warning.
      expect(stdout).toMatch(/main: parse-config-sync: loop blocked 1×/);
      expect(stdout).toContain('One task up close: call-legacy-api');
      // The retried task: failed twice, DONE on its third attempt, and the lane's retries total.
      expect(stdout).toMatch(
        /^Retries: deliver-webhook .* 'main' counted [1-9]\d* retries in all\.$/m,
      );
      expect(stdout).toMatch(/deliver-webhook +DONE .*attempt 3 \(2 failed\)$/m);
      expect(stdout).toMatch(/^ {2}attempt 1 FAILED at .* answered 503 \(call 1\)$/m);
      expect(stdout).toMatch(/^ {2}attempt 2 FAILED at .* answered 503 \(call 2\)$/m);
      expect(stdout).toMatch(/^\[\d+\.\ds\] main .* retried [1-9]\d* \|/m);
      // The latest health checks, listed with the repeat schedule they belong to.
      expect(stdout).toMatch(/^id +name +state +prio +repeat +submit/m);
      expect(stdout.match(/^\S+ +health-check +DONE +0 +\S+ +\d/gm)).toHaveLength(3);
    },
    DEMO_LIMIT_MS,
  );

  it(
    'with --dashboard, serves the page on --port, keeps serving after the report, and exits 0 on SIGINT',
    async () => {
      const port = await freePort();
      const demo = startDemo(['--dashboard', '--port', String(port)]);
      const [, url = ''] = await demo.waitForOutput(DASHBOARD_URL);
      expect(url).toBe(`http://127.0.0.1:${port}/`);
      await demo.waitForOutput(/All \d+ tasks finished/);
      await demo.waitForOutput(/Still serving .* Ctrl-C to stop/);
      await expectPage(url); // up after the workload, until told to stop
      demo.kill('SIGINT');
      const { code, stdout, stderr } = await demo.exited;
      expect(stderr).not.toMatch(/Error|unhandled/i);
      expect(code).toBe(0);
      expect(stdout).toMatch(/SIGINT: stopping the lanes…\nStopped\.\n$/);
    },
    DEMO_LIMIT_MS,
  );

  it(
    'falls back to a free port when its port is taken, and exits 0 on SIGTERM mid-run',
    async () => {
      const taken = await occupiedPort();
      servers.push(taken);
      const demo = startDemo(['--dashboard', '--port', String(portOf(taken))]);
      const [, url = '', port] = await demo.waitForOutput(DASHBOARD_URL);
      expect(Number(port)).not.toBe(portOf(taken));
      expect(demo.stdout()).toContain(`127.0.0.1:${portOf(taken)}: the port is in use`);
      expect(demo.stdout()).toContain(`serving on free port ${port} instead`);
      await expectPage(url);
      demo.kill('SIGTERM'); // before the workload is done: it stops submitting and cancels the rest
      const { code, stdout, stderr } = await demo.exited;
      expect(stderr).not.toMatch(/Error|unhandled/i);
      expect(code).toBe(0);
      expect(stdout).not.toContain('tasks finished');
      expect(stdout).toMatch(/SIGTERM: stopping the lanes…[^]*Stopped\.\n$/);
    },
    DEMO_LIMIT_MS,
  );
});
