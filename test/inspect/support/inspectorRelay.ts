import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type Socket } from 'node:net';
import { createInspectorServer } from '@statelyai/inspect/server';

/** A local `@statelyai/inspect` relay, on a free port, that closes its connections too. */
export interface InspectorRelay {
  /** Where inspectors and receivers connect, e.g. `ws://localhost:41234`. */
  readonly url: string;
  /** Stops the relay and ends every connection to it, both sides; resolves once all closed. */
  close(): Promise<void>;
}

/** A port nothing listens on now (the relay takes no port 0: it would not say which it got). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

/** Destroys an open socket; resolves on its 'close' (its `closed` flag is set at once). */
function destroy(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    socket.once('close', () => {
      resolve();
    });
    socket.destroy();
  });
}

/**
 * Starts `createInspectorServer({ autoOpen: false })` on a free port.
 *
 * @remarks The relay's `stop()` leaves open the WebSocket connections it accepted, and a
 * `createWebSocketReceiver` has no way to close its own: either keeps the process (and vitest's
 * worker) alive. The relay's connections are found through Node's `net.server.socket` and
 * `net.client.socket` diagnostics channels, by port, and destroyed on `close()`. Stop the
 * WebSocket inspector first: an inspector whose connection fails (rather than closes) retries
 * every 5 s, for ever.
 */
export async function startInspectorRelay(): Promise<InspectorRelay> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const add = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const track = (message: unknown): void => {
    const { socket } = message as { socket: Socket };
    // A server-side socket has the relay's port as its local port; a client-side one is
    // published before it connects, so its remote port is read once it has.
    if (socket.localPort === port) add(socket);
    else {
      socket.once('connect', () => {
        if (socket.remotePort === port) add(socket);
      });
    }
  };
  subscribe('net.server.socket', track);
  subscribe('net.client.socket', track);
  const server = createInspectorServer({ port, autoOpen: false });
  return {
    url: `ws://localhost:${port}`,
    close: async () => {
      server.stop();
      unsubscribe('net.server.socket', track);
      unsubscribe('net.client.socket', track);
      await Promise.all([...sockets].map(destroy));
      // The relay gives no callback for its listening server's close: it ends in the next turn.
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}
