import { describe, expect, it } from 'vitest';
import {
  assertFiniteNumber,
  assertKnownOptions,
  assertNonEmptyString,
  assertNonNegativeNumber,
  assertOptionalFunction,
  assertOptionsObject,
  assertWholeNumber,
  describeThrown,
  describeValue,
  readingCallerValue,
} from '../src/validate.js';

describe('describeValue()', () => {
  it.each([
    ['x', '"x" (string)'],
    [null, 'null'],
    [undefined, 'undefined'],
    [() => 1, 'a function'],
    [[1], 'an array'],
    [new Map(), 'an object (Map)'],
    [Object.create(null) as object, 'an object (no prototype)'],
    [Symbol('s'), 'Symbol(s) (symbol)'],
    [-1, '-1 (number)'],
    [NaN, 'NaN (number)'],
    [10n, '10 (bigint)'],
    [true, 'true (boolean)'],
  ])('renders %s as %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});

describe('assertNonEmptyString()', () => {
  it('accepts a non-empty string', () => {
    expect(() => {
      assertNonEmptyString('a', 'name');
    }).not.toThrow();
  });

  it('throws TypeError for a non-string, RangeError for a blank one', () => {
    expect(() => {
      assertNonEmptyString(1, 'name');
    }).toThrow(new TypeError('Expected `name` to be a non-empty string, got 1 (number)'));
    expect(() => {
      assertNonEmptyString('  ', 'name');
    }).toThrow(RangeError);
  });
});

describe('assertFiniteNumber()', () => {
  it('accepts any finite number and refuses the rest', () => {
    expect(() => {
      assertFiniteNumber(-2.5, 'priority');
    }).not.toThrow();
    expect(() => {
      assertFiniteNumber(Infinity, 'priority');
    }).toThrow(RangeError);
    expect(() => {
      assertFiniteNumber('1', 'priority');
    }).toThrow(TypeError);
  });
});

describe('assertNonNegativeNumber()', () => {
  it('says what was expected and what came', () => {
    expect(() => {
      assertNonNegativeNumber(-1, 'timeoutMs');
    }).toThrow(new RangeError('Expected `timeoutMs` to be a finite number >= 0, got -1 (number)'));
    expect(() => {
      assertNonNegativeNumber(NaN, 'timeoutMs');
    }).toThrow(/got NaN \(number\)/);
    expect(() => {
      assertNonNegativeNumber(0, 'timeoutMs');
    }).not.toThrow();
  });
});

describe('assertWholeNumber()', () => {
  it('refuses fractions and values under the minimum', () => {
    expect(() => {
      assertWholeNumber(1.5, 'n', { min: 0 });
    }).toThrow(new RangeError('Expected `n` to be a whole number >= 0, got 1.5 (number)'));
    expect(() => {
      assertWholeNumber(0, 'n', { min: 1 });
    }).toThrow(RangeError);
    expect(() => {
      assertWholeNumber('3', 'n', { min: 0 });
    }).toThrow(TypeError);
  });

  it('accepts Infinity only when allowed', () => {
    expect(() => {
      assertWholeNumber(Infinity, 'n', { min: 1, allowInfinity: true });
    }).not.toThrow();
    expect(() => {
      assertWholeNumber(Infinity, 'n', { min: 1 });
    }).toThrow(RangeError);
  });
});

describe('assertOptionalFunction()', () => {
  it('accepts undefined or a function and refuses the rest', () => {
    expect(() => {
      assertOptionalFunction(undefined, 'cb');
    }).not.toThrow();
    expect(() => {
      assertOptionalFunction('no', 'cb');
    }).toThrow(new TypeError('Expected `cb` to be a function, got "no" (string)'));
  });
});

describe('assertOptionsObject()', () => {
  it('refuses null, arrays and primitives', () => {
    for (const bad of [null, [], 3, 'x']) {
      expect(() => {
        assertOptionsObject(bad, 'options');
      }).toThrow(TypeError);
    }
    expect(() => {
      assertOptionsObject({}, 'options');
    }).not.toThrow();
  });
});

describe('describeValue() and describeThrown() given values that throw when read', () => {
  const trapping = (): object =>
    new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('trap');
        },
        get() {
          throw new Error('trap');
        },
      },
    );
  const revoked = (): object => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };

  it.each([
    ['a Proxy whose traps throw', trapping],
    ['a revoked Proxy', revoked],
  ])('describe %s without throwing', (_what, make) => {
    expect(describeValue(make())).toBe(
      'an object that throws when inspected (a Proxy with throwing traps?)',
    );
    expect(describeThrown(make())).toBe(
      'an object that throws when inspected (a Proxy with throwing traps?)',
    );
  });

  it('describeThrown() gives an Error’s message and any other value’s text', () => {
    expect(describeThrown(new RangeError('too far'))).toBe('too far');
    expect(describeThrown('plain')).toBe('plain');
    expect(describeThrown(Object.create(null))).toBe('an object (no prototype)');
  });
});

describe('readingCallerValue()', () => {
  it('returns what the read returns', () => {
    expect(readingCallerValue('options', () => 7)).toBe(7);
  });

  it('lets a TypeError or RangeError of the checks through as it is', () => {
    const range = new RangeError('Expected `n` to be >= 0, got -1 (number)');
    expect(() =>
      readingCallerValue('options', () => {
        throw range;
      }),
    ).toThrow(range);
  });

  it('turns anything else a getter throws into a TypeError naming the value, with it as cause', () => {
    const thrown = new Error('getter threw');
    const options = Object.defineProperty({}, 'timeoutMs', {
      get() {
        throw thrown;
      },
    }) as { timeoutMs: number };
    let caught: unknown;
    try {
      readingCallerValue('options', () => options.timeoutMs);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect((caught as TypeError).message).toBe(
      'Expected `options` to be readable, but reading it threw: getter threw',
    );
    expect((caught as TypeError).cause).toBe(thrown);
  });
});

describe('assertKnownOptions()', () => {
  const known = ['timeoutMs', 'priority', 'onDone'];

  it('accepts an object whose keys are all known, or empty', () => {
    expect(() => {
      assertKnownOptions({ timeoutMs: 1, onDone: undefined }, known, 'task option');
    }).not.toThrow();
    expect(() => {
      assertKnownOptions({}, known, 'task option');
    }).not.toThrow();
  });

  it('names the first unknown key, and a known one it begins or matches in another case', () => {
    expect(() => {
      assertKnownOptions({ priority: 1, timeout: 5 }, known, 'task option');
    }).toThrow(new TypeError('Unknown task option `timeout` (did you mean `timeoutMs`?)'));
    expect(() => {
      assertKnownOptions({ ONDONE: 5 }, known, 'submit option');
    }).toThrow(new TypeError('Unknown submit option `ONDONE` (did you mean `onDone`?)'));
    expect(() => {
      assertKnownOptions({ delayMs: 5 }, known, 'submit option');
    }).toThrow(new TypeError('Unknown submit option `delayMs`'));
  });
});
