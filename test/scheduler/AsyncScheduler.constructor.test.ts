import { describe, expect, it } from 'vitest';
import { AsyncScheduler, type AsyncSchedulerOptions } from '../../src/index.js';
import { ManualClock } from '../support/ManualClock.js';

/** Builds a scheduler from options the types would refuse, as a JavaScript caller might. */
function construct(options: unknown): AsyncScheduler {
  return new AsyncScheduler(options as AsyncSchedulerOptions);
}

describe('AsyncScheduler', () => {
  describe('constructor', () => {
    it('works without options, on a lane named main', () => {
      const scheduler = new AsyncScheduler();
      expect(scheduler.name).toBe('main');
      expect(scheduler.runningCount).toBe(0);
      expect(scheduler.queuedCount).toBe(0);
    });

    it('takes a lane name', () => {
      expect(new AsyncScheduler({ name: 'io' }).name).toBe('io');
    });

    it('accepts every documented option', () => {
      expect(
        () =>
          new AsyncScheduler({
            concurrency: Infinity,
            threads: 2,
            retention: { maxFinished: 0, maxAgeMs: 0 },
            inspect: () => undefined,
            clock: new ManualClock(),
            onSubmit: () => undefined,
            onSchedule: () => undefined,
            onStart: () => undefined,
            onDone: () => undefined,
            onError: () => undefined,
            onTimeout: () => undefined,
            onCancel: () => undefined,
          }),
      ).not.toThrow();
      expect(() => new AsyncScheduler({ inspect: { next: () => undefined } })).not.toThrow();
      expect(() => new AsyncScheduler({ retention: { maxFinished: Infinity } })).not.toThrow();
    });

    it.each([null, 3, 'fast', [1]])('refuses options %j with a TypeError', (options) => {
      expect(() => construct(options)).toThrow(TypeError);
    });

    describe('concurrency', () => {
      it.each([
        [0, 'Expected `concurrency` to be a whole number >= 1 (or Infinity), got 0 (number)'],
        [-1, 'Expected `concurrency` to be a whole number >= 1 (or Infinity), got -1 (number)'],
        [1.5, 'Expected `concurrency` to be a whole number >= 1 (or Infinity), got 1.5 (number)'],
        [NaN, 'Expected `concurrency` to be a whole number >= 1 (or Infinity), got NaN (number)'],
        [
          -Infinity,
          'Expected `concurrency` to be a whole number >= 1 (or Infinity), got -Infinity (number)',
        ],
      ])(
        'refuses %s with a RangeError saying what was expected and what came',
        (value, message) => {
          expect(() => construct({ concurrency: value })).toThrow(new RangeError(message));
        },
      );

      it.each([
        ['4', '"4" (string)'],
        [null, 'null'],
        [true, 'true (boolean)'],
      ])('refuses %j with a TypeError', (value, shown) => {
        expect(() => construct({ concurrency: value })).toThrow(
          new TypeError(
            `Expected \`concurrency\` to be a whole number >= 1 (or Infinity), got ${shown}`,
          ),
        );
      });
    });

    describe('threads', () => {
      it.each([0, -2, 2.5, NaN, Infinity])('refuses %s with a RangeError', (value) => {
        expect(() => construct({ threads: value })).toThrow(RangeError);
        expect(() => construct({ threads: value })).toThrow(
          /Expected `threads` to be a whole number >= 1/,
        );
      });

      it('refuses a non-number with a TypeError', () => {
        expect(() => construct({ threads: '2' })).toThrow(TypeError);
      });
    });

    describe('retention', () => {
      it.each([null, 5, 'all'])('refuses retention %j with a TypeError', (value) => {
        expect(() => construct({ retention: value })).toThrow(TypeError);
        expect(() => construct({ retention: value })).toThrow(/`retention`/);
      });

      it.each([
        [-1, '-1 (number)'],
        [2.5, '2.5 (number)'],
        [NaN, 'NaN (number)'],
      ])('refuses maxFinished %s with a RangeError', (value, shown) => {
        expect(() => construct({ retention: { maxFinished: value } })).toThrow(
          new RangeError(
            `Expected \`retention.maxFinished\` to be a whole number >= 0 (or Infinity), got ${shown}`,
          ),
        );
      });

      it('refuses a maxFinished that is not a number with a TypeError', () => {
        expect(() => construct({ retention: { maxFinished: '10' } })).toThrow(
          new TypeError(
            'Expected `retention.maxFinished` to be a whole number >= 0 (or Infinity), got "10" (string)',
          ),
        );
      });

      it.each([
        [-1, '-1 (number)'],
        [NaN, 'NaN (number)'],
      ])('refuses maxAgeMs %s with a RangeError', (value, shown) => {
        expect(() => construct({ retention: { maxAgeMs: value } })).toThrow(
          new RangeError(
            `Expected \`retention.maxAgeMs\` to be a finite number >= 0, got ${shown}`,
          ),
        );
      });

      it('refuses a maxAgeMs that is not a number with a TypeError', () => {
        expect(() => construct({ retention: { maxAgeMs: '1h' } })).toThrow(TypeError);
      });
    });

    it('refuses an empty or non-string name', () => {
      expect(() => construct({ name: '' })).toThrow(RangeError);
      expect(() => construct({ name: 7 })).toThrow(TypeError);
    });

    it('refuses a callback that is not a function, naming it', () => {
      expect(() => construct({ onDone: 'yes' })).toThrow(
        new TypeError('Expected `options.onDone` to be a function, got "yes" (string)'),
      );
    });

    it('refuses an unknown option, naming it', () => {
      expect(() => construct({ concurency: 2 })).toThrow(TypeError);
      expect(() => construct({ concurency: 2 })).toThrow(/concurency/);
      expect(() => construct({ Concurrency: 2 })).toThrow(
        new TypeError('Unknown scheduler option `Concurrency` (did you mean `concurrency`?)'),
      );
    });

    it('refuses an inspect that is neither a function nor an observer', () => {
      expect(() => construct({ inspect: {} })).toThrow(TypeError);
      expect(() => construct({ inspect: 'console' })).toThrow(/`inspect`/);
    });

    it('refuses a clock without now, setTimeout and clearTimeout', () => {
      expect(() => construct({ clock: { now: () => 0 } })).toThrow(TypeError);
      expect(() => construct({ clock: Date })).toThrow(/`clock`/);
    });
  });
});
