/**
 * Serving the demo's dashboard on a fixed, bookmarkable port, or on a free one when something
 * else already listens there.
 */
import {
  DashboardListenError,
  serveDashboard,
  type Dashboard,
  type DashboardLane,
} from 'async-scheduler/dashboard';

/** The port the demos serve their dashboard on unless told otherwise (`--port N`). */
export const DEFAULT_DASHBOARD_PORT = 7878;

/**
 * Serves the dashboard over `lanes` on `port`; when it cannot listen there (the port is taken,
 * or not ours to use), on a free port instead, and says which.
 *
 * @throws RangeError for a `port` that is not an integer from 0 to 65535.
 */
export async function serveDashboardOnPort(
  lanes: readonly DashboardLane[],
  port: number,
): Promise<Dashboard> {
  try {
    return await serveDashboard([...lanes], { port });
  } catch (error) {
    if (!(error instanceof DashboardListenError) || port === 0) throw error;
    const dashboard = await serveDashboard([...lanes], { port: 0 });
    console.log(`${error.message}\n…serving on free port ${dashboard.port} instead.`);
    return dashboard;
  }
}
