import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './freePort.js';
import { probeRedisPort } from './probeRedisPort.js';

/** The only interface a test Redis listens on: nothing outside this machine reaches it. */
export const REDIS_HOST = '127.0.0.1';
/** How long a starting redis-server may take to answer PING (its data loaded) before it counts as failed. */
export const REDIS_START_TIMEOUT_MS = 10_000;
/** How long a stopping redis-server has after SIGTERM before it gets SIGKILL. */
export const REDIS_STOP_GRACE_MS = 5_000;
/** Pause between two probes of a booting redis-server (it boots in ~10 ms). */
const READY_POLL_MS = 5;
/** How long one probe waits for its reply. */
const PROBE_TIMEOUT_MS = 1_000;
/** Fresh ports tried when another process takes the chosen one first. */
const FREE_PORT_ATTEMPTS = 5;
/** Server cron frequency (Redis' `hz`; default 10, recommended at most 100). */
const SERVER_HZ = 100;
/** The tail of a server's output kept for error messages. */
const OUTPUT_TAIL_CHARS = 4_000;

/** How to start one redis-server. */
export interface RedisServerOptions {
  /** Path of the redis-server executable. */
  readonly executable: string;
  /** TCP port on {@link REDIS_HOST}; 0 or absent: a free one chosen by the OS. */
  readonly port?: number;
  /**
   * Directory for an append-only file, so the data outlives a restart on the same directory.
   * Absent: no persistence at all (`--save "" --appendonly no`).
   *
   * @remarks Removed if this process exits while the server still runs (the server is killed
   * then too); a clean {@link RedisServer.stop} leaves it to the caller.
   */
  readonly appendOnlyDir?: string;
}

/** A running redis-server this process started and owns. */
export interface RedisServer {
  /** Its TCP port on {@link REDIS_HOST}. */
  readonly port: number;
  /** Its process id. */
  readonly pid: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Resolves once the process has exited, however it ended; never rejects. */
  readonly exited: Promise<void>;
  /** The latest lines it printed (stdout and stderr), for error messages. */
  output(): string;
  /**
   * SIGTERM, then SIGKILL if it is still running after {@link REDIS_STOP_GRACE_MS}; resolves
   * once the process is gone. Stopping a stopped server does nothing.
   */
  stop(): Promise<void>;
}

/** A redis-server that exited, or never answered, while starting. */
export class RedisServerStartError extends Error {
  override readonly name = 'RedisServerStartError';

  /**
   * @param message - what went wrong.
   * @param output - what the server printed, to see why.
   * @param portTaken - whether it failed because its port was taken.
   */
  constructor(
    message: string,
    readonly output: string,
    readonly portTaken: boolean,
  ) {
    super(output === '' ? message : `${message}\nredis-server printed:\n${output}`);
  }
}

/**
 * Starts a redis-server bound to {@link REDIS_HOST} and resolves once it answers PING.
 *
 * @remarks It cannot outlive this process: it is killed from an `exit` handler, and, for the
 * deaths that run no handler (SIGKILL, a signal Node does not catch), by a tiny `sh` watchdog
 * that holds a pipe from this process and kills it when the pipe closes. Neither the server nor
 * the watchdog keeps this process's event loop alive.
 *
 * @throws {@link RedisServerStartError} when it exits or does not answer within
 * {@link REDIS_START_TIMEOUT_MS}; with no port given, a port taken by someone else in the
 * meantime is retried on a new one.
 */
export async function startRedisServer(options: RedisServerOptions): Promise<RedisServer> {
  if (options.port !== undefined && options.port !== 0) return startOnPort(options, options.port);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnPort(options, await freePort(REDIS_HOST));
    } catch (error) {
      if (!(error instanceof RedisServerStartError && error.portTaken)) throw error;
      if (attempt === FREE_PORT_ATTEMPTS) throw error;
    }
  }
}

function serverArguments(port: number, appendOnlyDir: string | undefined): string[] {
  const persistence =
    appendOnlyDir === undefined
      ? ['--save', '', '--appendonly', 'no', '--dir', tmpdir()]
      : ['--save', '', '--appendonly', 'yes', '--dir', appendOnlyDir];
  return [
    '--port',
    String(port),
    '--bind',
    REDIS_HOST,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    // SIGTERM is acted on by the server's cron, which runs `hz` times a second: at the default
    // 10, every stop took ~100 ms; at 100, ~10 ms.
    '--hz',
    String(SERVER_HZ),
    ...persistence,
  ];
}

async function startOnPort(options: RedisServerOptions, port: number): Promise<RedisServer> {
  const child = spawn(options.executable, serverArguments(port, options.appendOnlyDir), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const spawned = new Promise<number>((resolve, reject) => {
    child.once('spawn', () => {
      // Node sets the pid before it emits 'spawn'.
      resolve(child.pid!);
    });
    child.once('error', reject);
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const status = { exited: false };
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      status.exited = true;
      resolve();
    });
  });

  let pid: number;
  try {
    pid = await spawned;
  } catch (error) {
    throw new RedisServerStartError(
      `Could not run ${options.executable}: ${error instanceof Error ? error.message : String(error)}`,
      '',
      false,
    );
  }
  const releaseGuard = guardAgainstOrphan(child, pid, options.appendOnlyDir);
  void exited.then(releaseGuard);
  unrefOutput(child);

  const stop = async (): Promise<void> => {
    if (status.exited) return;
    child.kill('SIGTERM');
    const grace = new AbortController();
    const graceOver = sleep(REDIS_STOP_GRACE_MS, 'grace over', { signal: grace.signal }).catch(
      () => 'exited',
    );
    if ((await Promise.race([exited.then(() => 'exited'), graceOver])) === 'grace over') {
      child.kill('SIGKILL');
    }
    grace.abort();
    await exited;
  };

  const deadline = performance.now() + REDIS_START_TIMEOUT_MS;
  let lastProbeError: unknown;
  for (;;) {
    if (status.exited) {
      throw new RedisServerStartError(
        `redis-server on port ${port} exited while starting (code ${String(child.exitCode)}, signal ${String(child.signalCode)})`,
        output,
        /address already in use/i.test(output),
      );
    }
    try {
      const probe = await probeRedisPort(port, REDIS_HOST, PROBE_TIMEOUT_MS);
      if (probe.pid === pid) break;
      // Another server took the port first: ours fails to bind and exits, seen on the next turn.
    } catch (error) {
      lastProbeError = error;
    }
    if (performance.now() > deadline) {
      await stop();
      throw new RedisServerStartError(
        `redis-server on port ${port} did not answer PING within ${REDIS_START_TIMEOUT_MS} ms (last: ${String(lastProbeError)})`,
        output,
        false,
      );
    }
    await sleep(READY_POLL_MS);
  }

  return {
    port,
    pid,
    url: `redis://${REDIS_HOST}:${port}`,
    exited,
    output: () => output,
    stop,
  };
}

/**
 * Makes sure `child` dies with this process, and `dataDir` goes with it; returns the function
 * that lifts both guards once `child` has exited by itself.
 */
function guardAgainstOrphan(
  child: ChildProcess,
  pid: number,
  dataDir: string | undefined,
): () => void {
  const onExit = (): void => {
    child.kill('SIGKILL');
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  const watchdog = startWatchdog(pid, dataDir);
  return () => {
    process.off('exit', onExit);
    watchdog.kill('SIGKILL');
  };
}

/**
 * `sh` waits on a pipe from this process: the read returns only when the pipe closes, which
 * happens when this process is gone however it died. Then it kills the server and removes its
 * data directory. Killed itself once the server has exited, so it never signals a reused pid.
 */
function startWatchdog(pid: number, dataDir: string | undefined): ChildProcess {
  const script = 'read _ignored; kill -KILL "$1" 2>/dev/null; if [ -n "$2" ]; then rm -rf "$2"; fi';
  const watchdog = spawn('sh', ['-c', script, 'redis-watchdog', String(pid), dataDir ?? ''], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Without sh (not POSIX), the exit handler alone guards the server.
  watchdog.on('error', () => undefined);
  watchdog.unref();
  unrefStream(watchdog.stdin);
  return watchdog;
}

function unrefOutput(child: ChildProcess): void {
  child.unref();
  unrefStream(child.stdout);
  unrefStream(child.stderr);
}

/** Child pipes are sockets at run time, though typed as plain streams. */
function unrefStream(stream: unknown): void {
  if (
    typeof stream === 'object' &&
    stream !== null &&
    'unref' in stream &&
    typeof stream.unref === 'function'
  ) {
    (stream as { unref(): void }).unref();
  }
}
