import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/** `host:port`, with an IPv6 host in brackets (`[::1]:7878`), as in a URL. */
export function hostPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** Where the server listens, as the guards need it. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Whether the request's `Host` names this server: an IP address or `localhost` (or the name it
 * was told to listen on), and its port.
 *
 * @remarks Defeats DNS rebinding: a hostile site that points its own name at 127.0.0.1 makes
 * the browser send `Host: hostile.example`, which is refused, so that site can never read the
 * page (and the token in it). An IP literal cannot be rebound.
 */
export function isAllowedHost(headers: IncomingHttpHeaders, server: ListenAddress): boolean {
  const host = headers.host;
  if (host === undefined) return false;
  let url: URL;
  try {
    url = new URL(`http://${host}`);
  } catch {
    // Not a host at all: refuse it, like every other foreign host.
    return false;
  }
  if (url.port !== String(server.port) || url.username !== '' || url.pathname !== '/') {
    return false;
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(hostname) !== 0 || hostname === 'localhost' || hostname === server.host.toLowerCase();
}

/**
 * Whether the request comes from the dashboard's own page: no `Origin` (not a cross-site
 * browser request) or an `Origin` equal to the address the request was sent to.
 *
 * @remarks Browsers send `Origin` on every cross-origin request and on same-origin POSTs; a
 * page elsewhere cannot forge it.
 */
export function isSameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  return origin === `http://${headers.host ?? ''}`;
}
