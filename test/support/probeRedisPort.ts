import { connect } from 'node:net';

/** PING, then INFO server, in the Redis protocol (RESP): arrays of bulk strings, pipelined. */
const PROBE_COMMANDS = '*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n';
const PONG_REPLY = '+PONG';
const CRLF = '\r\n';

/** What a Redis said about itself when it answered. */
export interface RedisProbe {
  /** The server's process id (`process_id` of INFO server). */
  readonly pid: number;
}

/**
 * Resolves once the Redis listening on `host:port` answers PING with PONG, with its process id;
 * rejects when the connection fails, PING gets anything else (a `-LOADING` error while it
 * reads its data), or no full reply comes within `timeoutMs`.
 *
 * @remarks The process id tells a server we started from another one that took the same port
 * first (a free port is only free until someone binds it). It speaks the protocol over a bare
 * socket rather than through ioredis because the global setup polls it while a redis-server
 * boots, and importing ioredis there would add ~200 ms to every run, including those that never
 * touch Redis. Only for a server without password or TLS: the ones the tests start.
 */
export function probeRedisPort(
  port: number,
  host = '127.0.0.1',
  timeoutMs = 1_000,
): Promise<RedisProbe> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    let received = '';
    const settle = (outcome: RedisProbe | Error): void => {
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => {
      settle(new Error(`No full reply to PING from ${host}:${port} within ${timeoutMs} ms`));
    });
    socket.on('error', settle);
    socket.on('connect', () => {
      socket.write(PROBE_COMMANDS);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const outcome = parseProbeReplies(received, `${host}:${port}`);
      if (outcome !== undefined) settle(outcome);
    });
  });
}

/** The probe's outcome once `received` holds enough of the two replies; undefined before. */
function parseProbeReplies(received: string, address: string): RedisProbe | Error | undefined {
  const pingEnd = received.indexOf(CRLF);
  if (pingEnd === -1) return undefined;
  const pingReply = received.slice(0, pingEnd);
  if (pingReply !== PONG_REPLY) {
    return new Error(`Expected ${PONG_REPLY} from ${address}, got ${JSON.stringify(pingReply)}`);
  }
  const info = received.slice(pingEnd + CRLF.length);
  const headerEnd = info.indexOf(CRLF);
  if (headerEnd === -1) return undefined;
  const header = info.slice(0, headerEnd);
  const length = /^\$(\d+)$/.exec(header)?.[1];
  if (length === undefined) {
    return new Error(
      `Expected a bulk reply to INFO from ${address}, got ${JSON.stringify(header)}`,
    );
  }
  const body = info.slice(headerEnd + CRLF.length);
  // Byte length: the socket text is latin1, one character per byte.
  if (body.length < Number(length)) return undefined;
  const pid = /^process_id:(\d+)\r?$/m.exec(body)?.[1];
  if (pid === undefined) return new Error(`No process_id in the INFO reply from ${address}`);
  return { pid: Number(pid) };
}
