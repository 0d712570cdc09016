/**
 * The cluster demo's tasks, as the scheduler defines them: each names its body by the handler a
 * worker registered (examples/cluster/handlers.ts), so no function crosses to Redis. Their
 * options (timeouts, priorities, retries) travel with each job.
 */
import { AsyncTask, SyncTask } from 'async-scheduler';
import type { HandlerName } from './handlers.js';

/** The legacy API's limit: its body always takes longer, so the worker aborts it here. */
export const LEGACY_TIMEOUT_MS = 500;
/** How many calls in a row the partner's webhook endpoint refuses before it accepts. */
export const WEBHOOK_OUTAGE_CALLS = 2;

const by = (handler: HandlerName): { handler: HandlerName } => ({ handler });

export const sendEmail = new AsyncTask<[to: string]>('send-email', by('send-email'));

export const sendSms = new AsyncTask<[phone: string]>('send-sms', by('send-sms'), {
  priority: 10, // urgent: ahead of everything waiting in the queue, whichever worker is free
});

export const generateInvoice = new AsyncTask<[orderId: string]>(
  'generate-invoice',
  by('generate-invoice'),
);

export const chargeCard = new AsyncTask<[orderId: string, cents: number]>(
  'charge-card',
  by('charge-card'),
  { priority: 1 },
);

/** Down for two calls, then through: three attempts at least, four in case a worker dies too. */
export const deliverWebhook = new AsyncTask<[url: string, event: string]>(
  'deliver-webhook',
  by('deliver-webhook'),
  {
    retry: {
      attempts: 4,
      backoff: { type: 'exponential', delayMs: 200, maxDelayMs: 1_000, jitter: false },
    },
  },
);

export const callLegacyApi = new AsyncTask<[]>('call-legacy-api', by('call-legacy-api'), {
  timeoutMs: LEGACY_TIMEOUT_MS,
  retry: { attempts: 1 }, // a timeout here is an answer: do not call it again
});

/** A long export: the demo cancels it shortly after a worker starts it. */
export const exportCsv = new AsyncTask<[rows: number]>('export-csv', by('export-csv'));

/** CPU-bound: runs on an executor thread of the worker that takes it, never on its loop. */
export const renderReport = new SyncTask<[limit: number], number>(
  'render-report',
  by('render-report'),
  { timeoutMs: 10_000 },
);
