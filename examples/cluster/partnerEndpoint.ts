/**
 * A partner's webhook endpoint for the cluster demo, served by the demo itself: it is down
 * (503) for its first calls, then accepts. The workers POST to it over HTTP, as they would to
 * a real partner, so the outage is the same whichever worker makes the call.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running endpoint. */
export interface PartnerEndpoint {
  /** Where to POST. */
  readonly url: string;
  /** Calls answered so far. */
  readonly calls: number;
  close(): Promise<void>;
}

/** Serves an endpoint on a free local port that answers 503 to its first `outageCalls` calls. */
export async function servePartnerEndpoint(outageCalls: number): Promise<PartnerEndpoint> {
  let calls = 0;
  const server = createServer((request, response) => {
    request.resume(); // the event itself does not matter here
    calls++;
    response.writeHead(calls <= outageCalls ? 503 : 202).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    get calls() {
      return calls;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
