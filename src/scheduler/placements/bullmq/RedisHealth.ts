import { SchedulerError, SchedulerErrorCode } from '../../../errors.js';

/** What a {@link RedisHealth} works with. */
export interface RedisHealthOptions {
  /** The lane's name, for messages. */
  readonly lane: string;
  /** Where a lost connection (once per outage) or a failed Redis call is reported. */
  readonly report: (error: SchedulerError) => void;
  /** Redis answers again after an outage: the lane reads its tasks again. */
  readonly reconnected: () => void;
}

/** What {@link RedisHealth.watch} needs of a connection (an ioredis client). */
export interface WatchedConnection {
  readonly status: string;
  on(event: 'ready' | 'close', listener: () => void): unknown;
  off(event: 'ready' | 'close', listener: () => void): unknown;
}

/** The error codes of a connection that is down (as opposed to a command Redis refused). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/** True for an error that means the connection is down, not that a command failed. */
function isConnectionError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === 'string' && CONNECTION_CODES.has(code)) ||
    /Connection is closed|connect ECONNREFUSED|Stream isn't writeable|ETIMEDOUT/i.test(
      error.message,
    )
  );
}

/**
 * A BullMQ lane's view of its Redis: an outage is reported once on `errors$` (ioredis retries
 * on its own, and would report every attempt), and its end is told to the lane, which then
 * reads its tasks' jobs again (events may have been missed).
 */
export class RedisHealth {
  readonly #options: RedisHealthOptions;
  #down = false;
  #closed = false;
  readonly #unwatch: (() => void)[] = [];

  constructor(options: RedisHealthOptions) {
    this.#options = options;
  }

  /** True between a lost connection and the next `ready`. */
  get down(): boolean {
    return this.#down;
  }

  /** A connection or a call failed. */
  failed(error: Error): void {
    if (this.#closed) return;
    if (!isConnectionError(error)) {
      this.#options.report(
        new SchedulerError(
          SchedulerErrorCode.REDIS_UNAVAILABLE,
          `BullMQ lane "${this.#options.lane}": a Redis call failed: ${error.message}`,
          { cause: error },
        ),
      );
      return;
    }
    if (this.#down) return;
    this.#down = true;
    this.#options.report(
      new SchedulerError(
        SchedulerErrorCode.REDIS_UNAVAILABLE,
        `BullMQ lane "${this.#options.lane}" lost its Redis connection (${error.message}); it reconnects by itself, and its tasks are read again when Redis is back`,
        { cause: error },
      ),
    );
  }

  /**
   * Follows a connection: its `close` after it was ready starts an outage (a quick restart of
   * Redis may fail no command, so errors alone would miss it), and its next `ready` ends it.
   */
  watch(client: WatchedConnection): void {
    let wasReady = client.status === 'ready';
    const ready = (): void => {
      wasReady = true;
      if (!this.#down || this.#closed) return;
      this.#down = false;
      this.#options.reconnected();
    };
    const close = (): void => {
      if (!wasReady || this.#closed) return;
      wasReady = false;
      this.failed(Object.assign(new Error('Connection is closed'), { code: 'ECONNRESET' }));
    };
    client.on('ready', ready);
    client.on('close', close);
    this.#unwatch.push(() => {
      client.off('ready', ready);
      client.off('close', close);
    });
  }

  /** Stops reporting (the lane is closing its connections). */
  close(): void {
    this.#closed = true;
    for (const unwatch of this.#unwatch.splice(0)) unwatch();
  }
}
