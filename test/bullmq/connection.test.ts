import { describe, expect, it } from 'vitest';
import { toRedisOptions } from '../../src/scheduler/placements/bullmq/connection.js';

describe('a BullMQ connection option', () => {
  it('reads a redis: URL into host, port, credentials and database', () => {
    expect(toRedisOptions('redis://ann:s%40cret@cache.internal:6380/2', 'connection')).toEqual({
      host: 'cache.internal',
      port: 6380,
      username: 'ann',
      password: 's@cret',
      db: 2,
      maxRetriesPerRequest: null,
    });
  });

  it('turns rediss: into TLS and defaults the port to 6379', () => {
    expect(toRedisOptions({ url: 'rediss://secure.example' }, 'connection')).toEqual({
      host: 'secure.example',
      port: 6379,
      tls: {},
      maxRetriesPerRequest: null,
    });
  });

  it('takes fields, defaulting to 127.0.0.1:6379, and waits for Redis instead of failing commands', () => {
    expect(toRedisOptions({}, 'connection')).toEqual({
      host: '127.0.0.1',
      port: 6379,
      maxRetriesPerRequest: null,
    });
    expect(toRedisOptions({ host: 'h', port: 7000, db: 0, tls: true }, 'connection')).toMatchObject(
      {
        host: 'h',
        port: 7000,
        db: 0,
        tls: {},
      },
    );
  });

  it.each([
    [42, TypeError, /Expected `connection` to be a Redis URL or/],
    ['not a url', TypeError, /Expected `connection` to be a Redis URL \(redis:\/\/host:port\/db\)/],
    ['http://example.com', RangeError, /redis: or rediss: URL, got "http:"/],
    ['redis://h/x', RangeError, /database of `connection` to be a whole number, got "x"/],
    [{ port: 0 }, RangeError, /connection\.port/],
    [{ port: 70_000 }, RangeError, /<= 65535/],
    [{ host: '' }, TypeError, /connection\.host/],
    [{ hots: 'typo' }, TypeError, /hots/],
    [{ url: 'redis://h', host: 'h' }, TypeError, /host/],
    [{ password: 1 }, TypeError, /connection\.password/],
  ])('refuses %j with a clear %p', (given, ErrorType, message) => {
    expect(() => toRedisOptions(given, 'connection')).toThrow(ErrorType);
    expect(() => toRedisOptions(given, 'connection')).toThrow(message);
  });
});
