/**
 * What the cluster demo submits: a burst of a web shop's background work (emails, invoices,
 * card charges, CPU-bound reports, a webhook to a partner that is down for a moment, a call to
 * a legacy API that never answers in time, an export the user cancels), then urgent text
 * messages and a second wave; with `--keep`, a trickle after that until Ctrl-C.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { filter } from 'rxjs';
import { TaskState } from 'async-scheduler';
import type { BullMQScheduler } from 'async-scheduler/bullmq';
import {
  callLegacyApi,
  chargeCard,
  deliverWebhook,
  exportCsv,
  generateInvoice,
  renderReport,
  sendEmail,
  sendSms,
} from './tasks.js';

/** How big the demo's waves are: `full` for people, `short` for its test. */
export interface WorkloadSize {
  readonly emails: number;
  readonly invoices: number;
  readonly reports: number;
  readonly texts: number;
  /** When the urgent texts and the second wave come, ms after the first. */
  readonly secondWaveAfterMs: number;
  /**
   * When a worker is killed at the earliest (once it runs a job, and the tasks that show an
   * outcome have shown it), ms after the first submit: while the invoices of both waves run.
   */
  readonly killAtMs: number;
}

export const FULL: WorkloadSize = {
  emails: 8,
  invoices: 6,
  reports: 3,
  texts: 2,
  secondWaveAfterMs: 800,
  killAtMs: 2_000,
};
export const SHORT: WorkloadSize = {
  emails: 3,
  invoices: 3,
  reports: 2,
  texts: 1,
  secondWaveAfterMs: 300,
  // Its work is over in about 2 s on a quiet machine: a kill at 2 s could find nothing to kill.
  killAtMs: 700,
};

/** The user closes the export dialog this long after a worker started the export. */
const CANCEL_AFTER_MS = 300;
/** ~100-400 ms of CPU per report, on a worker's executor thread. */
const REPORT_LIMIT = 800_000;
const ACCEPTED_CENTS = 4_999;
const DECLINED_CENTS = 250_000;
/** With `--keep`: one email this often, an invoice every fourth time. */
const TRICKLE_EVERY_MS = 500;

const range = (count: number): number[] => Array.from({ length: count }, (_, index) => index + 1);

/**
 * Submits the scripted workload to `scheduler`, and cancels each export shortly after it starts.
 *
 * @param webhookUrl - the partner endpoint the webhook is delivered to.
 * @returns every submitted task's id, once the second wave is in (or `signal` aborted).
 */
export async function submitWorkload(
  scheduler: BullMQScheduler,
  size: WorkloadSize,
  webhookUrl: string,
  signal: AbortSignal,
): Promise<string[]> {
  scheduler.transitions$
    .pipe(filter((t) => t.to === TaskState.STARTED && t.name === exportCsv.name))
    .subscribe((t) => {
      setTimeout(
        () => void scheduler.cancelTask(t.id, 'user closed the export dialog'),
        CANCEL_AFTER_MS,
      );
    });

  // The tasks that show an outcome go first (FIFO among equal priorities), so that they are
  // over before a worker is killed; the bulk of the work follows.
  const ids: string[] = [
    scheduler.submitTask(chargeCard, 'order-2001', ACCEPTED_CENTS),
    scheduler.submitTask(chargeCard, 'order-2002', DECLINED_CENTS),
    scheduler.submitTask(deliverWebhook, webhookUrl, 'order.shipped'),
    scheduler.submitTask(callLegacyApi),
    scheduler.submitTask(exportCsv, 250_000),
  ];
  const wave = (offset: number): void => {
    for (const n of range(size.emails)) {
      ids.push(scheduler.submitTask(sendEmail, `customer${offset + n}@example.com`));
    }
    for (const n of range(size.invoices)) {
      ids.push(scheduler.submitTask(generateInvoice, `order-${1000 + offset + n}`));
    }
  };
  for (const n of range(size.reports)) {
    ids.push(scheduler.submitTask(renderReport, REPORT_LIMIT + n));
  }
  wave(0);
  try {
    await sleep(size.secondWaveAfterMs, undefined, { signal });
  } catch {
    return ids; // interrupted
  }
  for (const n of range(size.texts)) ids.push(scheduler.submitTask(sendSms, `+1555000${n}`));
  wave(100);
  return ids;
}

/** With `--keep`: an email every half second and an invoice every two, until `signal` aborts. */
export async function submitTrickle(
  scheduler: BullMQScheduler,
  ids: string[],
  signal: AbortSignal,
): Promise<void> {
  for (let n = 1; !signal.aborted; n++) {
    ids.push(scheduler.submitTask(sendEmail, `subscriber${n}@example.com`));
    if (n % 4 === 0) ids.push(scheduler.submitTask(generateInvoice, `order-${5000 + n}`));
    await sleep(TRICKLE_EVERY_MS, undefined, { signal }).catch(() => undefined);
  }
}
