import { describe, expect, it } from 'vitest';
import {
  BullMQScheduler,
  MAX_BULLMQ_LANE_PRIORITY,
  MIN_BULLMQ_LANE_PRIORITY,
  runWorker,
  type BullMQSchedulerOptions,
  type RunWorkerOptions,
} from '../../src/bullmq/index.js';
import { AsyncScheduler, AsyncTask, SchedulerThread, SyncTask } from '../../src/index.js';
import { stopAfterTest } from '../support/stopAfterTest.js';
import { describeWithRedis, queueUnderTest } from './support/bullmqTestKit.js';

const send = new AsyncTask('send', { handler: 'send' });
const retryOn = (): boolean => true;
/** A connection the refused calls never dial: they throw before connecting. */
const url = 'redis://127.0.0.1:6379';

/** Builds a scheduler from options the types would refuse, as a JavaScript caller may give. */
function schedulerWith(options: Record<string, unknown>): BullMQScheduler {
  return new BullMQScheduler(options as unknown as BullMQSchedulerOptions);
}

/** A scheduler that never starts: submits are checked, nothing reaches Redis. */
function idleScheduler(prefix: string): BullMQScheduler {
  return queueUnderTest(prefix).scheduler({ autoStart: false });
}

class Point {
  constructor(readonly x: number) {}
}

describeWithRedis('BullMQScheduler inputs', () => {
  describe('submit', () => {
    it('refuses a task whose body is a function (it cannot reach a worker process)', () => {
      const s = idleScheduler('inputs-function');
      const inline = new AsyncTask('inline', () => 1);

      expect(() => s.submitTask(inline)).toThrow(TypeError);
      expect(() => s.submitTask(inline)).toThrow(/"inline".*got a function/);
      expect(() => s.submit(inline)).toThrow(TypeError);
      expect(s.dumpTask()).toEqual([]);
    });

    it.each([
      ['undefined', ['ok', undefined], /args\[1\]/],
      ['a function', [() => 1], /args\[0\]/],
      ['a bigint', [1n], /args\[0\]/],
      ['a symbol', [Symbol('s')], /args\[0\]/],
      ['NaN', [{ n: NaN }], /args\[0\]\.n/],
      ['Infinity', [[1, Infinity]], /args\[0\]\[1\]/],
      ['a Date', ['to', { when: new Date(0) }], /args\[1\]\.when/],
      ['a Map', [new Map()], /args\[0\]/],
      ['a class instance', [{ at: new Point(1) }], /args\[0\]\.at/],
    ])('refuses args holding %s with a TypeError naming where', (_, args, where) => {
      const s = idleScheduler('inputs-args');

      expect(() => s.submit(send, { args })).toThrow(TypeError);
      expect(() => s.submitTask(send, ...args)).toThrow(where);
      expect(s.dumpTask()).toEqual([]);
    });

    it('refuses args that hold a cycle', () => {
      const s = idleScheduler('inputs-cycle');
      const cyclic: Record<string, unknown> = {};
      cyclic['self'] = cyclic;

      expect(() => s.submitTask(send, cyclic)).toThrow(/args\[0\].*cycle/);
    });

    it.each([
      ['a fraction', 1.5],
      ['above the highest BullMQ can order', MAX_BULLMQ_LANE_PRIORITY + 1],
      ['below the lowest', MIN_BULLMQ_LANE_PRIORITY - 1],
      ['NaN', NaN],
    ])('refuses a priority that is %s with a RangeError', (_, priority) => {
      const s = idleScheduler('inputs-priority');

      expect(() => s.submit(send, { priority })).toThrow(RangeError);
      expect(s.dumpTask()).toEqual([]);
    });

    it('accepts the highest and lowest priorities BullMQ can order', () => {
      const s = idleScheduler('inputs-priority-edges');

      const high = s.submit(send, { priority: MAX_BULLMQ_LANE_PRIORITY }).id;
      const low = s.submit(send, { priority: MIN_BULLMQ_LANE_PRIORITY }).id;

      expect([s.taskInfo(high).priority, s.taskInfo(low).priority]).toEqual([
        MAX_BULLMQ_LANE_PRIORITY,
        MIN_BULLMQ_LANE_PRIORITY,
      ]);
      expect(() => s.setPriority(high, MAX_BULLMQ_LANE_PRIORITY + 1)).toThrow(RangeError);
    });

    it('refuses retry.retryOn, on the task or the submit, with a TypeError', () => {
      const s = idleScheduler('inputs-retry-on');
      const picky = new AsyncTask(
        'picky',
        { handler: 'picky' },
        { retry: { attempts: 2, retryOn } },
      );

      expect(() => s.submitTask(picky)).toThrow(TypeError);
      expect(() => s.submitTask(picky)).toThrow(/retryOn/);
      expect(() => s.submit(send, { retry: { attempts: 2, retryOn } })).toThrow(/retryOn/);
      expect(s.dumpTask()).toEqual([]);
    });
  });

  describe('new BullMQScheduler()', () => {
    it('refuses retry.retryOn among its options', () => {
      expect(() =>
        schedulerWith({ name: 'q', connection: url, retry: { attempts: 2, retryOn } }),
      ).toThrow(TypeError);
    });

    it.each(['threads', 'resourceLimits', 'restart'])(
      'refuses the worker option %s, naming runWorker',
      (option) => {
        expect(() => schedulerWith({ name: 'q', connection: url, [option]: 1 })).toThrow(
          new RegExp(`no \`${option}\` option.*runWorker`),
        );
      },
    );

    it.each([
      ['missing', undefined, TypeError],
      ['a number', 6379, TypeError],
      ['an object with an unknown field', { hosts: ['a'] }, TypeError],
      ['an empty url', { url: '' }, TypeError],
      ['not a URL', 'no such thing', TypeError],
      ['a host:port without a scheme', 'localhost:6379', RangeError],
      ['an http: URL', 'http://127.0.0.1:6379', RangeError],
      ['a port out of range', { port: 70_000 }, RangeError],
      ['a negative database', { db: -1 }, RangeError],
    ])('refuses a connection that is %s', (_, connection, errorType) => {
      expect(() => schedulerWith({ name: 'q', connection })).toThrow(errorType);
    });

    it.each([
      ['eventsMaxLen below 1000', { eventsMaxLen: 999 }, RangeError],
      ['eventsMaxLen not whole', { eventsMaxLen: 1000.5 }, RangeError],
      ['a negative keepJobs.completed', { keepJobs: { completed: -1 } }, RangeError],
      ['keepJobs.failed not whole', { keepJobs: { failed: 1.5 } }, RangeError],
      ['keepJobs that is not an object', { keepJobs: 10 }, TypeError],
      ['a negative lostWorkerMs', { lostWorkerMs: -1 }, RangeError],
      ['follow other than own or all', { follow: 'mine' }, TypeError],
    ])('refuses %s, naming the option', (_, options, errorType) => {
      const [name] = Object.keys(options);
      expect(() => schedulerWith({ name: 'q', connection: url, ...options })).toThrow(errorType);
      expect(() => schedulerWith({ name: 'q', connection: url, ...options })).toThrow(
        new RegExp(`options\\.${name!}`),
      );
    });

    it('refuses a missing name, and a queue name with the key separator', () => {
      expect(() => schedulerWith({ connection: url })).toThrow(TypeError);
      expect(() => schedulerWith({ name: 'q', queue: 'a:b', connection: url })).toThrow(RangeError);
    });
  });

  describe('runWorker()', () => {
    const handlers = { a: (): number => 1 };
    const workerWith = (options: Record<string, unknown>): Promise<unknown> =>
      runWorker(options as unknown as RunWorkerOptions);

    it.each([
      ['no handlers and no modules', {}, TypeError],
      ['an unknown option', { handlers, threadz: 2 }, TypeError],
      [
        'a handler that is neither a function nor a module reference',
        { handlers: { a: 42 } },
        TypeError,
      ],
      ['concurrency 0', { handlers, concurrency: 0 }, RangeError],
      ['threads 1.5', { handlers, threads: 1.5 }, RangeError],
      ['threads given as a string', { handlers, threads: '2' }, TypeError],
    ])('refuses %s', async (_, options, errorType) => {
      await expect(workerWith({ connection: url, queue: 'q', ...options })).rejects.toThrow(
        errorType,
      );
    });
  });

  describe('the in-process schedulers', () => {
    it('refuse a { handler } body with a TypeError: only workers have handlers', () => {
      const local = stopAfterTest(new AsyncScheduler());
      const thread = stopAfterTest(new SchedulerThread('inputs-thread'));

      expect(() => local.submitTask(send)).toThrow(/worker handler "send".*AsyncScheduler/);
      expect(() => thread.submitTask(new SyncTask('sync', { handler: 'sync' }))).toThrow(
        /worker handler "sync".*SchedulerThread/,
      );
    });
  });
});
