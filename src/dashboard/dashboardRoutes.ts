import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';
import { SchedulerErrorCode } from '../errors.js';
import { isFinished } from '../machines/taskLifecycle.js';
import type { TaskInfo } from '../tasks/types.js';
import { TOKEN_HEADER, isTokenValid } from './cancelToken.js';
import type { EventStreamHub } from './EventStreamHub.js';
import type { LaneFeed } from './LaneFeed.js';
import { renderDashboardPage } from './page/dashboardPage.js';
import { isAllowedHost, isSameOrigin, type ListenAddress } from './requestGuards.js';

/** The reason a task canceled from the page carries. */
export const DASHBOARD_CANCEL_REASON = 'canceled from the dashboard';
const NONCE_BYTES = 16;
const CANCEL_ROUTE = /^\/api\/lanes\/([^/]+)\/tasks\/([^/]+)\/cancel$/;

/** Everything the routes read. */
export interface RouteContext {
  /** Feeds by lane name. */
  readonly feeds: ReadonlyMap<string, LaneFeed>;
  readonly hub: EventStreamHub;
  readonly registry: Registry;
  readonly token: string;
  /** Where the server listens (its port is known once it listens). */
  readonly address: () => ListenAddress;
}

const NO_STORE = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/**
 * The dashboard's request handler: `GET /`, `GET /events`, `GET /api/state`, `GET /metrics`
 * and `POST /api/lanes/:lane/tasks/:id/cancel`; 404 for any other path, 405 for another method.
 *
 * @remarks Every request must name this server in `Host` (DNS rebinding) and, when a browser
 * says where it comes from, come from this origin; a cancel must also carry the page's token
 * in `x-dashboard-token`. Those refusals are 403, checked before anything about the task.
 */
export function createRequestHandler(
  context: RouteContext,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    route(context, request, response).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (response.headersSent) response.destroy();
      else sendJson(response, 500, { error: 'internal', message });
    });
  };
}

async function route(
  context: RouteContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (!isAllowedHost(request.headers, context.address()) || !isSameOrigin(request.headers)) {
    sendJson(response, 403, {
      error: 'forbidden',
      message: 'Requests must come from the dashboard page itself (Host and Origin checked)',
    });
    return;
  }
  const path = new URL(request.url ?? '/', 'http://dashboard').pathname;
  const cancel = CANCEL_ROUTE.exec(path);
  if (cancel !== null) {
    if (!allowMethod(request, response, 'POST')) return;
    await cancelRoute(context, request, response, cancel[1] ?? '', cancel[2] ?? '');
    return;
  }
  const get = GET_ROUTES[path];
  if (get === undefined) {
    sendJson(response, 404, { error: 'not-found', message: `No route ${path}` });
    return;
  }
  if (allowMethod(request, response, 'GET')) await get(context, request, response);
}

type GetRoute = (
  context: RouteContext,
  request: IncomingMessage,
  response: ServerResponse,
) => unknown;

const GET_ROUTES: Readonly<Record<string, GetRoute>> = {
  '/': (context, _request, response) => {
    const nonce = randomBytes(NONCE_BYTES).toString('base64url');
    const laneNames = [...context.feeds.keys()];
    response.writeHead(200, {
      ...NO_STORE,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; ` +
        "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
    });
    response.end(renderDashboardPage({ token: context.token, nonce, laneNames }));
  },
  '/events': (context, _request, response) => {
    context.hub.open(response);
  },
  '/api/state': (context, _request, response) => {
    sendJson(response, 200, context.hub.snapshot());
  },
  '/metrics': async (context, _request, response) => {
    const text = await context.registry.metrics();
    response.writeHead(200, { ...NO_STORE, 'content-type': context.registry.contentType });
    response.end(text);
  },
};

async function cancelRoute(
  context: RouteContext,
  request: IncomingMessage,
  response: ServerResponse,
  encodedLane: string,
  encodedId: string,
): Promise<void> {
  if (!isTokenValid(context.token, request.headers[TOKEN_HEADER])) {
    sendJson(response, 403, {
      error: 'forbidden',
      message: `A cancel needs the page's token in the ${TOKEN_HEADER} header`,
    });
    return;
  }
  const laneName = decode(encodedLane);
  const id = decode(encodedId);
  const feed = laneName === undefined ? undefined : context.feeds.get(laneName);
  const before = feed === undefined || id === undefined ? undefined : findTask(feed, id);
  if (feed === undefined || id === undefined || before === undefined) {
    const what =
      feed === undefined ? `lane "${laneName ?? encodedLane}"` : `task "${id ?? encodedId}"`;
    sendJson(response, 404, { error: 'not-found', canceled: false, message: `No ${what}` });
    return;
  }
  const canceled =
    !isFinished(before.state) && (await feed.lane.cancelTask(id, DASHBOARD_CANCEL_REASON));
  const after = findTask(feed, id) ?? before;
  const answer = { canceled, id, name: after.name, state: after.state };
  if (canceled) sendJson(response, 200, answer);
  else sendJson(response, 409, { ...answer, message: `the task is already ${after.state}` });
}

/** The task's info, or undefined for an id the lane does not know (never submitted, evicted). */
function findTask(feed: LaneFeed, id: string): TaskInfo | undefined {
  try {
    return feed.lane.taskInfo(id);
  } catch (error) {
    // By code, not class: the lane may come from another copy of the library (src and dist).
    if ((error as { code?: unknown } | null)?.code === SchedulerErrorCode.UNKNOWN_TASK) {
      return undefined;
    }
    throw error;
  }
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}

function allowMethod(request: IncomingMessage, response: ServerResponse, method: string): boolean {
  if (request.method === method) return true;
  response.setHeader('allow', method);
  sendJson(response, 405, { error: 'method-not-allowed', message: `Use ${method}` });
  return false;
}

function sendJson(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { ...NO_STORE, 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
