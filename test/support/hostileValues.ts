import fc from 'fast-check';
import { rejectOnAbort } from './schedulerModel.js';

/*
 * Hostile values for the public API's inputs and for what task bodies return or throw: each
 * a fast-check arbitrary of small factories, so every run gets a fresh value (a revoked Proxy
 * stays revoked, a one-shot getter has not fired yet).
 */

/** The error a hostile value's trap or getter throws. */
export class TrapError extends Error {
  override readonly name = 'TrapError';
}

const trap = (what: string) => (): never => {
  throw new TrapError(`${what} trap`);
};

/** A Proxy whose every trap throws, `getPrototypeOf` (hence `instanceof`) included. */
export function everyTrapThrows(): object {
  return new Proxy(
    {},
    {
      get: trap('get'),
      has: trap('has'),
      ownKeys: trap('ownKeys'),
      getPrototypeOf: trap('getPrototypeOf'),
      getOwnPropertyDescriptor: trap('getOwnPropertyDescriptor'),
    },
  );
}

/** A revoked Proxy: any operation on it throws a TypeError. */
export function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** An object whose every listed property is a getter that throws. */
export function throwingGetters(keys: readonly string[]): object {
  const value = {};
  for (const key of keys) {
    Object.defineProperty(value, key, { enumerable: true, get: trap(`getter ${key}`) });
  }
  return value;
}

/** An Error wrapped in a Proxy whose `get` throws: `instanceof Error` holds, reading fails. */
export function errorWithThrowingFields(): Error {
  return new Proxy(new Error('wrapped'), { get: trap('error get') });
}

/** Numbers (and non-numbers) that no count, delay or priority should accept silently. */
export const hostileNumberArb: fc.Arbitrary<() => unknown> = fc.constantFrom<() => unknown>(
  () => Number.NaN,
  () => Infinity,
  () => -Infinity,
  () => -1,
  () => -0,
  () => 0.5,
  () => 2 ** 53,
  () => '5',
  () => null,
  () => 10n,
  () => Symbol('n'),
  () => ({ valueOf: trap('valueOf') }),
  everyTrapThrows,
  revokedProxy,
);

/** Any value at all a caller might hand in where an object, string or function is expected. */
export const hostileValueArb: fc.Arbitrary<() => unknown> = fc.oneof(
  hostileNumberArb,
  fc.constantFrom<() => unknown>(
    () => undefined,
    () => '',
    () => '   ',
    () => [],
    () => () => undefined,
    () => Object.create(null) as object,
    () => throwingGetters(['timeoutMs', 'priority', 'cancel', 'signal', 'running', 'module']),
    () => ({ timeoutMs: -5 }),
    () => ({ priority: Number.NaN }),
    () => ({ onDone: 'not a function' }),
    () => ({ module: everyTrapThrows() }),
  ),
);

/** What a task body does, hostile or not; `reentry` runs inside the body (a call back into the API). */
export type BodyKind =
  | 'value'
  | 'asyncValue'
  | 'throwError'
  | 'throwNonError'
  | 'throwTrapProxy'
  | 'throwErrorWithThrowingFields'
  | 'rejectTrapProxy'
  | 'thenThrows'
  | 'thenGetterThrows'
  | 'returnTrapProxy'
  | 'returnRevokedProxy'
  | 'thenCallsBothAtOnce'
  | 'thenNeverCalls'
  | 'neverSettles'
  | 'settlesOnAbort'
  | 'reentrant';

export const bodyKindArb: fc.Arbitrary<BodyKind> = fc.constantFrom<BodyKind>(
  'value',
  'asyncValue',
  'throwError',
  'throwNonError',
  'throwTrapProxy',
  'throwErrorWithThrowingFields',
  'rejectTrapProxy',
  'thenThrows',
  'thenGetterThrows',
  'returnTrapProxy',
  'returnRevokedProxy',
  'thenCallsBothAtOnce',
  'thenNeverCalls',
  'neverSettles',
  'settlesOnAbort',
  'reentrant',
);

/** A body of the given kind; `reenter` is called by a 'reentrant' body (and may throw). */
export function hostileBody(
  kind: BodyKind,
  reenter: () => void,
): (ctx: { signal: AbortSignal }) => unknown {
  switch (kind) {
    case 'value':
      return () => 1;
    case 'asyncValue':
      return async () => Promise.resolve(2);
    case 'throwError':
      return () => {
        throw new Error('body threw');
      };
    case 'throwNonError':
      return () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point of the test
        throw { plain: true };
      };
    case 'throwTrapProxy':
      return () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point of the test
        throw everyTrapThrows();
      };
    case 'throwErrorWithThrowingFields':
      return () => {
        throw errorWithThrowingFields();
      };
    case 'rejectTrapProxy':
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the point of the test
      return () => Promise.reject(everyTrapThrows());
    case 'thenThrows':
      return () => ({ then: trap('then call') });
    case 'thenGetterThrows':
      return () => throwingGetters(['then']);
    case 'returnTrapProxy':
      return everyTrapThrows;
    case 'returnRevokedProxy':
      return revokedProxy;
    case 'thenCallsBothAtOnce':
      return () => ({
        then(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
          resolve(3);
          reject(new Error('second call'));
          resolve(4);
        },
      });
    case 'thenNeverCalls':
      return () => ({ then: () => undefined });
    case 'neverSettles':
      return () => new Promise(() => undefined);
    case 'settlesOnAbort':
      return ({ signal }) => rejectOnAbort(signal);
    case 'reentrant':
      return () => {
        reenter();
        return 5;
      };
  }
}
