// Two deviations from DESIGN.md that these black-box tests found, fixed since: an async
// callback's rejection crashed the process, and a later stop({ timeoutMs }) was ignored.
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AsyncScheduler, AsyncTask, SchedulerThread, TaskState } from '../../src/index.js';
import { contractFixture, deferred, sleep } from './helpers.js';

describe('a callback that returns a rejected promise (errors$, invariant 4)', () => {
  // DESIGN.md: "s.errors$: Observable<SchedulerError> // callback and subscriber errors; never crash
  // the scheduler" and invariant 4 "A callback or subscriber that throws changes nothing".
  it('an async onDone that rejects goes to errors$ and crashes nothing (AsyncScheduler)', async () => {
    const errors: unknown[] = [];
    const s = new AsyncScheduler({
      // Typed `(info) => void`, so an async function is accepted (this rule would refuse it).
      // eslint-disable-next-line @typescript-eslint/no-misused-promises
      onDone: async () => {
        throw new Error('async callback failed');
      },
    });
    s.errors$.subscribe((e) => errors.push(e));
    s.start();
    await s.waitTask(s.submitTask(new AsyncTask('t', () => 1)));
    await sleep(20);
    expect(errors).toHaveLength(1);
    await s.stop();
  });

  it('the same through a SchedulerThread', async () => {
    const errors: unknown[] = [];
    const s = new SchedulerThread('async-callback', {
      // Typed `(info) => void`, so an async function is accepted (this rule would refuse it).
      // eslint-disable-next-line @typescript-eslint/no-misused-promises
      onDone: async () => {
        throw new Error('async thread callback failed');
      },
    });
    s.errors$.subscribe((e) => errors.push(e));
    s.start();
    await s.waitTask(s.submitTask(new AsyncTask('t', { module: contractFixture('thread.mjs') })));
    await sleep(20);
    expect(errors).toHaveLength(1);
    await s.stop();
  });

  it('does not end a plain node process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'async-cb-'));
    const script = join(dir, 'asyncCallback.mjs');
    const dist = new URL('../../dist/index.js', import.meta.url).href;
    writeFileSync(
      script,
      `import { AsyncScheduler, AsyncTask } from ${JSON.stringify(dist)};
const s = new AsyncScheduler({ onDone: async () => { throw new Error('async callback failed'); } }).start();
await s.waitTask(s.submitTask(new AsyncTask('a', () => 1)));
await new Promise((r) => setTimeout(r, 50));
console.log(await s.result(s.submitTask(new AsyncTask('b', () => 2))));
await s.stop();`,
    );
    const child = spawn(process.execPath, [script], { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
  });
});

describe('stop({ timeoutMs }) bounds a drain already under way', () => {
  // DESIGN.md: "stop({ cancel?, timeoutMs? }) ... timeoutMs bounds the drain, then cancels the rest.
  // When it resolves every task is final". A later stop({ cancel: true }) does escalate; a later
  // stop({ timeoutMs }) is ignored, so that call never resolves while a task runs.
  it('AsyncScheduler: stop() then stop({ timeoutMs: 20 }) resolves in about 20 ms', async () => {
    const s = new AsyncScheduler().start();
    const gate = deferred();
    const id = s.submitTask(new AsyncTask('stuck', () => gate.promise));
    const first = s.stop();
    await sleep(5);
    const outcome = await Promise.race([
      s.stop({ timeoutMs: 20 }).then(() => 'resolved'),
      sleep(1_000).then(() => 'still draining after 1 s'),
    ]);
    expect(outcome).toBe('resolved');
    expect(s.taskState(id)).toBe(TaskState.CANCELED);
    gate.resolve();
    await first;
  });

  it('SchedulerThread: the same', async () => {
    const s = new SchedulerThread('escalate').start();
    const id = s.submitTask(
      new AsyncTask('stuck', { module: contractFixture('thread.mjs'), export: 'forever' }),
    );
    while (s.taskState(id) !== TaskState.STARTED) await sleep(5);
    void s.stop();
    await sleep(5);
    const outcome = await Promise.race([
      s.stop({ timeoutMs: 20 }).then(() => 'resolved'),
      sleep(1_000).then(() => 'still draining after 1 s'),
    ]);
    expect(outcome).toBe('resolved');
    await s.stop({ cancel: true });
  });
});
