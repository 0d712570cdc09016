import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { AsyncTask, SchedulerErrorCode, TaskState, type SchedulerError } from '../../src/index.js';
import {
  describeWithRedisServer,
  logTransitions,
  privateRedisForTest,
  queueUnderTest,
  untilState,
} from './support/bullmqTestKit.js';

const echo = new AsyncTask<[string], string>('echo', { handler: 'echo' });

/** Sets a Redis's memory limit (bytes; 0: none), with writes refused past it. */
async function limitMemory(url: string, bytes: number): Promise<void> {
  const client = new Redis(url);
  try {
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    await client.config('SET', 'maxmemory', String(bytes));
  } finally {
    client.disconnect();
  }
}

describeWithRedisServer('BullMQScheduler', () => {
  it('ends FAILED with ERR_REDIS_UNAVAILABLE the tasks of a batch Redis refuses, reports it, and sends the next batch', async () => {
    const redis = await privateRedisForTest();
    const lane = queueUnderTest('redis-refuses', redis.url);
    const s = lane.scheduler();
    const errors: SchedulerError[] = [];
    s.errors$.subscribe((error) => errors.push(error));
    const log = logTransitions(s);
    await untilState(s, s.submitTask(echo, 'connected'), TaskState.SCHEDULED);

    await limitMemory(redis.url, 1);
    const refused = [s.submitTask(echo, 'a'), s.submitTask(echo, 'b')];
    const infos = await Promise.all(refused.map((id) => s.waitTask(id)));
    await limitMemory(redis.url, 0);
    const later = s.submitTask(echo, 'later');

    expect(infos.map((info) => [info.state, info.error?.code])).toEqual([
      [TaskState.FAILED, SchedulerErrorCode.REDIS_UNAVAILABLE],
      [TaskState.FAILED, SchedulerErrorCode.REDIS_UNAVAILABLE],
    ]);
    expect(infos[0]?.error?.message).toMatch(/could not add 2 job\(s\).*OOM/);
    expect(errors.map((error) => error.code)).toContain(SchedulerErrorCode.REDIS_UNAVAILABLE);
    expect(log.steps(refused[0]!)).toEqual(['NEW→SUBMITTED', 'SUBMITTED→FAILED']);
    await untilState(s, later, TaskState.SCHEDULED);
  });
});
