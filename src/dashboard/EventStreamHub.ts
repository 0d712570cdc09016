import type { ServerResponse } from 'node:http';
import type { LaneFeed } from './LaneFeed.js';
import type { DashboardMessage } from './types.js';

/** Updates go out at most this often, however many transitions happen (10 a second). */
export const FLUSH_INTERVAL_MS = 100;
/** An idle stream gets a comment this often, so proxies and the browser keep it open. */
export const HEARTBEAT_INTERVAL_MS = 15_000;
/**
 * A page whose socket holds this much unsent data misses updates until it drains (then it gets
 * a fresh snapshot): a stalled page costs bounded memory. Far above one snapshot's size.
 */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** How long the browser waits before reconnecting a dropped stream. */
const RECONNECT_DELAY_MS = 2_000;

/** One connected page. */
interface Client {
  readonly response: ServerResponse;
  /** Set when the socket holds too much unsent data: updates are skipped until it drains. */
  congested: boolean;
}

/**
 * The Server-Sent Events side of the dashboard: each page gets a snapshot when it connects,
 * then one batched update per {@link FLUSH_INTERVAL_MS} when something changed.
 *
 * @remarks A page whose socket cannot keep up misses updates and gets a fresh snapshot once it
 * drains, so a slow client costs bounded memory. A disconnected page is forgotten at once
 * (its `close` event); with no page connected no timer runs.
 */
export class EventStreamHub {
  readonly #feeds: readonly LaneFeed[];
  readonly #recentTasks: number;
  readonly #clients = new Set<Client>();
  #flushTimer: NodeJS.Timeout | undefined;
  #lastWriteAt = 0;
  #closed = false;

  constructor(feeds: readonly LaneFeed[], recentTasks: number) {
    this.#feeds = feeds;
    this.#recentTasks = recentTasks;
  }

  /** Pages connected now. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** Everything, as one message (also the body of `/api/state`). */
  snapshot(): DashboardMessage {
    return this.#message(
      'snapshot',
      this.#feeds.map((feed) => feed.snapshot()),
    );
  }

  /** Turns `response` into a live stream: headers, a snapshot, then updates until either side ends it. */
  open(response: ServerResponse): void {
    if (this.#closed) {
      response.writeHead(503).end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    response.socket?.setNoDelay(true);
    // Pending changes belong to the pages already connected: send them first, so the
    // newcomer's snapshot is not followed by changes it already has.
    if (this.#clients.size === 0) for (const feed of this.#feeds) feed.discardUpdate();
    else this.#flush();
    const client: Client = { response, congested: false };
    this.#clients.add(client);
    response.on('close', () => {
      this.#forget(client);
    });
    response.on('drain', () => {
      if (!client.congested) return;
      client.congested = false;
      this.#send(client, encode(this.snapshot()));
    });
    this.#send(client, `retry: ${RECONNECT_DELAY_MS}\n\n${encode(this.snapshot())}`);
    this.#flushTimer ??= setInterval(() => {
      this.#tick();
    }, FLUSH_INTERVAL_MS);
  }

  /** Ends every stream and stops the timer. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const client of this.#clients) client.response.end();
    this.#clients.clear();
    this.#stopTimer();
  }

  #tick(): void {
    if (this.#feeds.some((feed) => feed.dirty)) this.#flush();
    else if (Date.now() - this.#lastWriteAt >= HEARTBEAT_INTERVAL_MS) {
      this.#broadcast(': heartbeat\n\n');
    }
  }

  #flush(): void {
    const lanes = this.#feeds.filter((feed) => feed.dirty).map((feed) => feed.takeUpdate());
    if (lanes.length > 0) this.#broadcast(encode(this.#message('update', lanes)));
  }

  #broadcast(chunk: string): void {
    for (const client of this.#clients) if (!client.congested) this.#send(client, chunk);
  }

  #send(client: Client, chunk: string): void {
    this.#lastWriteAt = Date.now();
    client.response.write(chunk);
    // Not write()'s return value: that is false past 16 KiB, which one snapshot can be.
    if (client.response.writableLength > MAX_BUFFERED_BYTES) client.congested = true;
  }

  #forget(client: Client): void {
    this.#clients.delete(client);
    if (this.#clients.size === 0) this.#stopTimer();
  }

  #stopTimer(): void {
    clearInterval(this.#flushTimer);
    this.#flushTimer = undefined;
  }

  #message(type: DashboardMessage['type'], lanes: DashboardMessage['lanes']): DashboardMessage {
    return { type, now: Date.now(), recentTasks: this.#recentTasks, lanes };
  }
}

/** One SSE event: its type, then the JSON on one `data:` line (JSON.stringify emits no newline). */
function encode(message: DashboardMessage): string {
  return `event: ${message.type}\ndata: ${JSON.stringify(message)}\n\n`;
}
