import { hostPort } from './requestGuards.js';

/** What the common listen failures mean, and what to do about them. */
const EXPLANATIONS: Readonly<Record<string, string>> = {
  EADDRINUSE:
    'the port is in use (EADDRINUSE): stop what listens there, or pass another `port` (0 picks a free one)',
  EACCES: 'permission denied (EACCES): ports below 1024 need privileges; pass a higher `port`',
  EADDRNOTAVAIL: 'no interface has that address (EADDRNOTAVAIL): check `host`',
  ENOTFOUND: 'the host name does not resolve (ENOTFOUND): check `host`',
};

/**
 * `serveDashboard` could not listen on its host and port; nothing was left started.
 *
 * @remarks `code` is always `'ERR_DASHBOARD_LISTEN'`; the system's own error (with its code,
 * e.g. `EADDRINUSE`) is the `cause`.
 * @example
 * ```ts
 * import { DashboardListenError, serveDashboard } from 'async-scheduler/dashboard';
 *
 * try {
 *   await serveDashboard([scheduler], { port: 7878 });
 * } catch (error) {
 *   if (!(error instanceof DashboardListenError)) throw error;
 *   await serveDashboard([scheduler]); // on a free port the system picks
 * }
 * ```
 */
export class DashboardListenError extends Error {
  override readonly name = 'DashboardListenError';
  /** Always `'ERR_DASHBOARD_LISTEN'`. */
  readonly code = 'ERR_DASHBOARD_LISTEN';
  /** The host it tried. */
  readonly host: string;
  /** The port it tried. */
  readonly port: number;

  constructor(host: string, port: number, cause: unknown) {
    const systemCode = (cause as { code?: unknown } | null)?.code;
    const why =
      (typeof systemCode === 'string' ? EXPLANATIONS[systemCode] : undefined) ??
      (cause instanceof Error ? cause.message : String(cause));
    super(`Cannot serve the dashboard on ${hostPort(host, port)}: ${why}`, { cause });
    this.host = host;
    this.port = port;
  }
}
