import { describe, expect, it } from 'vitest';
import { errorFromData, toErrorData } from '../src/errorData.js';

describe('toErrorData / errorFromData', () => {
  it('round-trips a built-in error class as itself, with its code and stack', () => {
    const original = Object.assign(new RangeError('too far'), { code: 'E_FAR' });
    const rebuilt = errorFromData(toErrorData(original));
    expect(rebuilt).toBeInstanceOf(RangeError);
    expect(rebuilt).toMatchObject({ name: 'RangeError', message: 'too far', code: 'E_FAR' });
    expect(rebuilt.stack).toBe(original.stack);
  });

  it('rebuilds any other class as an Error carrying its name', () => {
    class ValidationError extends Error {
      override name = 'ValidationError';
    }
    const rebuilt = errorFromData(toErrorData(new ValidationError('bad')));
    expect(rebuilt.constructor).toBe(Error);
    expect(rebuilt).toMatchObject({ name: 'ValidationError', message: 'bad' });
  });

  it('does not take a name from the prototype chain for a class', () => {
    const rebuilt = errorFromData({ name: 'constructor', message: 'odd' });
    expect(rebuilt.constructor).toBe(Error);
    expect(rebuilt.name).toBe('constructor');
  });

  it('describes a thrown non-Error value', () => {
    expect(toErrorData(42)).toEqual({ name: 'NonError', message: '42' });
  });
});
