import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { GuardedStream } from '../../src/scheduler/GuardedStream.js';

function createStream<T>(): { stream: GuardedStream<T>; reported: unknown[] } {
  const reported: unknown[] = [];
  return { stream: new GuardedStream<T>((error) => reported.push(error)), reported };
}

describe('GuardedStream', () => {
  describe('.observable', () => {
    it('is hot: a late subscriber sees only later values', () => {
      const { stream } = createStream<number>();
      const seen: number[] = [];
      stream.next(1);
      stream.observable.subscribe((v) => seen.push(v));
      stream.next(2);
      expect(seen).toEqual([2]);
    });

    it('hands a throwing next() to the error handler and keeps delivering to everyone', () => {
      const { stream, reported } = createStream<number>();
      const boom = new Error('subscriber broke');
      const seen: number[] = [];
      stream.observable.subscribe(() => {
        throw boom;
      });
      stream.observable.subscribe((v) => seen.push(v));
      stream.next(1);
      stream.next(2);
      expect(seen).toEqual([1, 2]);
      expect(reported).toEqual([boom, boom]);
    });

    it('hands the rejection of an async next() to the error handler', async () => {
      const { stream, reported } = createStream<number>();
      const boom = new Error('async subscriber broke');
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- what is under test
      stream.observable.subscribe(async () => {
        await Promise.resolve();
        throw boom;
      });
      stream.next(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(reported).toEqual([boom]);
    });

    it('keeps a throwing subscriber subscribed', () => {
      const { stream, reported } = createStream<number>();
      let calls = 0;
      stream.observable.subscribe(() => {
        calls++;
        throw new Error('again');
      });
      stream.next(1);
      stream.next(2);
      expect(calls).toBe(2);
      expect(reported).toHaveLength(2);
    });

    it('guards an observer object, calling its methods with itself as this', () => {
      const { stream, reported } = createStream<number>();
      const observer = {
        seen: [] as number[],
        next(this: { seen: number[] }, v: number) {
          this.seen.push(v);
        },
        complete() {
          throw new Error('complete broke');
        },
      };
      stream.observable.subscribe(observer);
      stream.next(7);
      stream.complete();
      expect(observer.seen).toEqual([7]);
      expect(reported).toEqual([new Error('complete broke')]);
    });

    it('calls the complete handler given as the third argument', () => {
      const { stream } = createStream<number>();
      let completed = false;
      // RxJS 7 still takes callbacks as separate arguments; the guard must honour that form.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      stream.observable.subscribe(null, null, () => {
        completed = true;
      });
      stream.complete();
      expect(completed).toBe(true);
    });

    it('lets an operator chain report its own error downstream', () => {
      const { stream, reported } = createStream<number>();
      const errors: unknown[] = [];
      const seen: number[] = [];
      stream.observable
        .pipe(
          map((v) => {
            if (v === 2) throw new Error('map broke');
            return v * 10;
          }),
        )
        .subscribe({ next: (v) => seen.push(v), error: (e: unknown) => errors.push(e) });
      stream.next(1);
      stream.next(2);
      stream.next(3);
      expect(seen).toEqual([10]);
      expect(errors).toEqual([new Error('map broke')]);
      expect(reported).toEqual([]);
    });

    it('keeps the unsubscribe chain of an operator subscriber', () => {
      const { stream } = createStream<number>();
      const seen: number[] = [];
      const subscription = stream.observable.pipe(map((v) => v + 1)).subscribe((v) => seen.push(v));
      stream.next(4);
      expect(stream.observed).toBe(true);
      subscription.unsubscribe();
      expect(stream.observed).toBe(false);
      stream.next(5);
      expect(seen).toEqual([5]);
    });

    it('stops delivering after unsubscribe', () => {
      const { stream } = createStream<number>();
      const seen: number[] = [];
      const subscription = stream.observable.subscribe((v) => seen.push(v));
      stream.next(1);
      subscription.unsubscribe();
      stream.next(2);
      expect(seen).toEqual([1]);
    });
  });

  describe('.observed', () => {
    it('is true only while someone listens', () => {
      const { stream } = createStream<number>();
      expect(stream.observed).toBe(false);
      const subscription = stream.observable.subscribe(() => undefined);
      expect(stream.observed).toBe(true);
      subscription.unsubscribe();
      expect(stream.observed).toBe(false);
    });
  });

  describe('.complete()', () => {
    it('completes every subscriber, and a late one at once', () => {
      const { stream } = createStream<number>();
      let early = 0;
      let late = 0;
      stream.observable.subscribe({ complete: () => early++ });
      stream.complete();
      stream.observable.subscribe({ complete: () => late++ });
      expect([early, late]).toEqual([1, 1]);
    });
  });
});
