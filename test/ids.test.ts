import fc from 'fast-check';
import { v7 as uuidV7 } from 'uuid';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIdFactory, formatUuidV7 } from '../src/ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit millisecond timestamp at the front of a UUID v7. */
function msOf(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

describe('createIdFactory()', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('makes UUID v7 ids', () => {
    const next = createIdFactory();
    for (let i = 0; i < 10; i++) expect(next()).toMatch(UUID_V7);
  });

  it('stamps ids with the current millisecond', () => {
    const at = Date.UTC(2026, 0, 1, 12);
    vi.spyOn(Date, 'now').mockReturnValue(at);
    expect(msOf(createIdFactory()())).toBe(at);
  });

  it('makes strictly increasing ids within one millisecond', () => {
    vi.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 0, 1));
    const next = createIdFactory();
    // More than one batch of random bytes (256 ids per batch).
    const ids = Array.from({ length: 1000 }, () => next());
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
  });

  it('keeps increasing when the wall clock steps back', () => {
    const now = vi.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 0, 1, 0, 0, 1));
    const next = createIdFactory();
    const before = next();
    now.mockReturnValue(Date.UTC(2026, 0, 1));
    const after = next();
    expect(after > before).toBe(true);
  });

  it('makes increasing ids as the clock moves forward', () => {
    const now = vi.spyOn(Date, 'now');
    const next = createIdFactory();
    const ids: string[] = [];
    for (let ms = 0; ms < 50; ms++) {
      now.mockReturnValue(Date.UTC(2026, 0, 1) + ms);
      ids.push(next(), next());
    }
    expect([...ids].sort()).toEqual(ids);
    expect(msOf(ids.at(-1)!)).toBe(Date.UTC(2026, 0, 1) + 49);
  });

  it('gives independent factories distinct ids', () => {
    vi.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 0, 1));
    const a = createIdFactory();
    const b = createIdFactory();
    const ids = new Set<string>();
    for (let i = 0; i < 100; i++) ids.add(a()).add(b());
    expect(ids.size).toBe(200);
  });
});

describe('formatUuidV7()', () => {
  it('lays out the bytes as the uuid package does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 48 - 1 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (ms, seq, random) => {
          expect(formatUuidV7(ms, seq, random)).toBe(uuidV7({ msecs: ms, seq, random }));
        },
      ),
    );
  });
});
