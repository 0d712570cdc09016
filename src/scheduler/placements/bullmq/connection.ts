import { assertKnownOptions, assertWholeNumber, describeValue } from '../../../validate.js';

/** Where the Redis of a BullMQ queue answers, field by field. */
export interface BullMQConnectionOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 6379 */
  readonly port?: number;
  readonly username?: string;
  readonly password?: string;
  /** The database number. @default 0 */
  readonly db?: number;
  /** Connect over TLS (`true`, or Node's `tls.connect` options). */
  readonly tls?: boolean | Readonly<Record<string, unknown>>;
}

/**
 * The Redis a BullMQ lane uses: a `redis://` or `rediss://` URL, `{ url }`, or its fields.
 *
 * @example
 * ```ts
 * import type { BullMQConnection } from 'async-scheduler/bullmq';
 *
 * const local: BullMQConnection = { host: '127.0.0.1', port: 6379 };
 * const remote: BullMQConnection = 'redis://:secret@redis.internal:6379/2';
 * ```
 */
export type BullMQConnection = string | { readonly url: string } | BullMQConnectionOptions;

/** The ioredis options this project opens its connections with (a plain object). */
export interface RedisConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db?: number;
  readonly tls?: Readonly<Record<string, unknown>>;
  /** null: a command waits for Redis to come back instead of failing (BullMQ needs this). */
  readonly maxRetriesPerRequest: null;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 6379;
const MAX_PORT = 65_535;

/**
 * Reads a {@link BullMQConnection} into ioredis options.
 *
 * @param name - the option's name, for messages.
 * @throws TypeError for something that is not a connection, or an unknown field; RangeError for
 * a bad port or database, or a URL that is not `redis:`/`rediss:`.
 */
export function toRedisOptions(connection: unknown, name: string): RedisConnectionOptions {
  if (typeof connection === 'string') return fromUrl(connection, name);
  if (typeof connection !== 'object' || connection === null || Array.isArray(connection)) {
    throw new TypeError(
      `Expected \`${name}\` to be a Redis URL or { host, port, … } / { url }, got ${describeValue(connection)}`,
    );
  }
  const given = { ...(connection as Record<string, unknown>) };
  if ('url' in given) {
    assertKnownOptions(given, ['url'], `${name} option`);
    return fromUrl(given['url'], `${name}.url`);
  }
  assertKnownOptions(
    given,
    ['host', 'port', 'username', 'password', 'db', 'tls'],
    `${name} option`,
  );
  const { host = DEFAULT_HOST, port = DEFAULT_PORT, username, password, db, tls } = given;
  if (typeof host !== 'string' || host === '') {
    throw new TypeError(
      `Expected \`${name}.host\` to be a non-empty string, got ${describeValue(host)}`,
    );
  }
  assertWholeNumber(port, `${name}.port`, { min: 1 });
  if (port > MAX_PORT)
    throw new RangeError(`Expected \`${name}.port\` to be <= ${MAX_PORT}, got ${port}`);
  for (const [key, value] of [
    ['username', username],
    ['password', password],
  ] as const) {
    if (value !== undefined && typeof value !== 'string') {
      throw new TypeError(
        `Expected \`${name}.${key}\` to be a string, got ${describeValue(value)}`,
      );
    }
  }
  if (db !== undefined) assertWholeNumber(db, `${name}.db`, { min: 0 });
  if (tls !== undefined && typeof tls !== 'boolean' && (typeof tls !== 'object' || tls === null)) {
    throw new TypeError(
      `Expected \`${name}.tls\` to be a boolean or an object, got ${describeValue(tls)}`,
    );
  }
  return {
    host,
    port,
    ...(username === undefined ? {} : { username: username as string }),
    ...(password === undefined ? {} : { password: password as string }),
    ...(db === undefined ? {} : { db }),
    ...(tls === undefined || tls === false
      ? {}
      : { tls: tls === true ? {} : (tls as Readonly<Record<string, unknown>>) }),
    maxRetriesPerRequest: null,
  };
}

function fromUrl(value: unknown, name: string): RedisConnectionOptions {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`Expected \`${name}\` to be a Redis URL, got ${describeValue(value)}`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(
      `Expected \`${name}\` to be a Redis URL (redis://host:port/db), got "${value}"`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RangeError(
      `Expected \`${name}\` to be a redis: or rediss: URL, got "${url.protocol}"`,
    );
  }
  const path = url.pathname.replace(/^\//, '');
  const db = path === '' ? undefined : Number(path);
  if (db !== undefined && !(Number.isInteger(db) && db >= 0)) {
    throw new RangeError(
      `Expected the database of \`${name}\` to be a whole number, got "${path}"`,
    );
  }
  return toRedisOptions(
    {
      host: url.hostname === '' ? DEFAULT_HOST : url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port === '' ? DEFAULT_PORT : Number(url.port),
      ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
      ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
      ...(db === undefined ? {} : { db }),
      ...(url.protocol === 'rediss:' ? { tls: true } : {}),
    },
    name,
  );
}
