import { createServer, type Server } from 'node:http';
import { createCancelToken } from './cancelToken.js';
import { DashboardListenError } from './DashboardListenError.js';
import { createRequestHandler } from './dashboardRoutes.js';
import { resolveDashboardOptions, resolveLanes } from './dashboardOptions.js';
import { EventStreamHub } from './EventStreamHub.js';
import { LaneFeed } from './LaneFeed.js';
import { createMetricsRegistry } from './prometheusMetrics.js';
import { hostPort } from './requestGuards.js';
import type { Dashboard, DashboardLane, DashboardOptions } from './types.js';

/** Hosts that mean "every interface": the page's URL uses loopback instead. */
const WILDCARD_HOSTS: Readonly<Record<string, string>> = { '0.0.0.0': '127.0.0.1', '::': '::1' };

/**
 * Serves a live web page of the given schedulers' lanes, with `/metrics` for Prometheus.
 *
 * @remarks Per lane the page shows the task machine with a live count in each state, a
 * timeline of recent tasks (submit → start → end, coloured by final state), the slowest running
 * and finished tasks, warnings and errors, and a Cancel button on running tasks. Updates stream
 * over Server-Sent Events, batched to at most 10 a second whatever the task rate. A cancel
 * needs a token that only the page receives, so another site open in the same browser cannot
 * cancel anything. Listens on 127.0.0.1 unless told otherwise. See docs/dashboard.md.
 * @example
 * ```ts
 * import { AsyncScheduler, SchedulerThread } from 'async-scheduler';
 * import { serveDashboard } from 'async-scheduler/dashboard';
 *
 * const main = new AsyncScheduler().start();
 * const urgent = new SchedulerThread('urgent').start();
 * const dashboard = await serveDashboard([main, urgent], { port: 7878 });
 * console.log(`dashboard at ${dashboard.url}`);
 * // …
 * await dashboard.close();
 * ```
 * @throws TypeError/RangeError (synchronously checked, as a rejection) for bad schedulers or
 * options; rejects with {@link DashboardListenError} when it cannot listen (port in use), with
 * nothing left listening or subscribed.
 */
export async function serveDashboard(
  schedulers: DashboardLane | readonly DashboardLane[],
  options?: DashboardOptions,
): Promise<Dashboard> {
  const lanes = resolveLanes(schedulers);
  const { host, port, recentTasks } = resolveDashboardOptions(options);
  const feeds = lanes.map((lane) => new LaneFeed(lane, recentTasks));
  const hub = new EventStreamHub(feeds, recentTasks);
  let boundPort = port;
  const server = createServer(
    createRequestHandler({
      feeds: new Map(feeds.map((feed) => [feed.name, feed])),
      hub,
      registry: createMetricsRegistry(feeds),
      token: createCancelToken(),
      address: () => ({ host, port: boundPort }),
    }),
  );
  const stop = (): void => {
    hub.close();
    for (const feed of feeds) feed.dispose();
  };
  try {
    boundPort = await listen(server, host, port);
  } catch (error) {
    stop();
    throw new DashboardListenError(host, port, error);
  }
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostPort(WILDCARD_HOSTS[host] ?? host, boundPort)}/`,
    port: boundPort,
    host,
    get clientCount() {
      return hub.clientCount;
    },
    close: () => {
      closing ??= (async () => {
        stop();
        await closeServer(server);
      })();
      return closing;
    },
  };
}

/** Listens, resolving with the bound port; a failed listen leaves no handle open. */
function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(error);
    };
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** Closes the server and every connection it holds (idle keep-alive ones included). */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}
