/**
 * The `async-scheduler/dashboard` entry point: a live web page of every lane's tasks and
 * figures, with a Prometheus `/metrics` endpoint.
 *
 * @remarks Kept out of the root entry so that a program that never serves the dashboard never
 * loads `prom-client` or the page.
 * @example
 * ```ts
 * import { AsyncScheduler } from 'async-scheduler';
 * import { serveDashboard } from 'async-scheduler/dashboard';
 *
 * const scheduler = new AsyncScheduler().start();
 * const dashboard = await serveDashboard([scheduler], { port: 7878 });
 * console.log(`dashboard at ${dashboard.url}`);
 * ```
 * @packageDocumentation
 */
export { serveDashboard } from './serveDashboard.js';
export { DashboardListenError } from './DashboardListenError.js';
export type { Dashboard, DashboardLane, DashboardOptions } from './types.js';
