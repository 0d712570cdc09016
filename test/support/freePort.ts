import { createServer } from 'node:net';

/**
 * A TCP port on `host` that was free a moment ago, chosen by the operating system (a listen on
 * port 0, closed again at once).
 *
 * @remarks Another process may take the port before the caller binds it: a caller that starts
 * a server on it retries with a new port when the bind fails.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`Expected a TCP address from listen(0, ${host}), got ${String(address)}`));
        return;
      }
      server.close(() => {
        resolve(address.port);
      });
    });
  });
}
