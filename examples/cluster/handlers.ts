/**
 * The cluster demo's task bodies, as its worker processes register them (`runWorker({ handlers })`).
 * The scheduler's tasks name them by `{ handler }`: the functions live only here, in the workers.
 * Every I/O body awaits with `signal`, so a timeout or a cancel from the scheduler stops it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { UnrecoverableError, type TaskContext } from 'async-scheduler';
import type { WorkerHandler } from 'async-scheduler/bullmq';

/** The most a card may be charged, in cents: above it the bank declines, for good. */
const CARD_LIMIT_CENTS = 100_000;
/** How long an invoice takes to render and store: long enough to be caught by a worker's death. */
const INVOICE_MS = 1_200;
/** The legacy API never answers in time: its task's `timeoutMs` is far shorter. */
const LEGACY_API_MS = 10_000;
/** A CSV export the user gives up on long before it is done. */
const EXPORT_MS = 8_000;

const between = (minMs: number, maxMs: number): number => minMs + Math.random() * (maxMs - minMs);

async function sendEmail({ args: [to], signal }: TaskContext<[to: string]>) {
  await sleep(between(100, 300), undefined, { signal });
  return { to, messageId: `<${Date.now().toString(36)}@mail.example>` };
}

async function sendSms({ args: [phone], signal }: TaskContext<[phone: string]>) {
  await sleep(between(20, 60), undefined, { signal });
  return { phone, sent: true };
}

async function generateInvoice({ args: [orderId], signal }: TaskContext<[orderId: string]>) {
  await sleep(INVOICE_MS, undefined, { signal });
  return { orderId, pdf: `invoices/${orderId}.pdf` };
}

async function chargeCard({
  args: [orderId, cents],
  signal,
}: TaskContext<[orderId: string, cents: number]>) {
  await sleep(between(50, 150), undefined, { signal });
  // Retrying a declined card cannot help: UnrecoverableError fails the task at once.
  if (cents > CARD_LIMIT_CENTS) throw new UnrecoverableError(`card declined for ${orderId}`);
  return { orderId, charged: cents };
}

/** POSTs an event to a partner's endpoint; a 5xx answer fails the attempt (the task retries). */
async function deliverWebhook({
  args: [url, event],
  signal,
}: TaskContext<[url: string, event: string]>) {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify({ event }), signal });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return { event, status: response.status };
}

async function callLegacyApi({ signal }: TaskContext<[]>) {
  await sleep(LEGACY_API_MS, undefined, { signal });
  return 'too late';
}

async function exportCsv({ args: [rows], signal }: TaskContext<[rows: number]>) {
  await sleep(EXPORT_MS, undefined, { signal });
  return { rows };
}

/** Every handler a demo worker registers, by the name the scheduler's tasks give. */
export const handlers = {
  'send-email': sendEmail,
  'send-sms': sendSms,
  'generate-invoice': generateInvoice,
  'charge-card': chargeCard,
  'deliver-webhook': deliverWebhook,
  'call-legacy-api': callLegacyApi,
  'export-csv': exportCsv,
  // CPU-bound: a module reference, so a SyncTask naming it runs on the worker's executor threads.
  'render-report': { module: new URL('../tasks/cpu.mjs', import.meta.url), export: 'countPrimes' },
} satisfies Record<string, WorkerHandler>;

/** A handler name the demo's workers know. */
export type HandlerName = keyof typeof handlers;
