/**
 * What the demo submits, and when: a burst at the start (a webhook delivery that needs three
 * attempts among it), a steady trickle of requests and pings, a health check repeating every
 * half second, one task that blocks the main loop on purpose, and urgent alerts mid-run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { filter } from 'rxjs';
import { TaskState, type AsyncScheduler, type SchedulerThread } from 'async-scheduler';
import {
  callLegacyApi,
  chargeCard,
  cpuReport,
  deliverWebhook,
  exportCsv,
  fetchProfile,
  healthCheck,
  parseConfigSync,
  ping,
  renderReport,
  resizeImage,
  runawayParser,
  sendAlert,
} from './tasks.js';

/** The three lanes of the demo. */
export interface DemoLanes {
  readonly main: AsyncScheduler;
  readonly urgent: SchedulerThread;
  readonly normal: SchedulerThread;
}

/** How long the trickle of new work goes on, ms. */
const TRICKLE_MS = 6_000;
const TICK_MS = 50;
const BLOCK_AT_MS = 1_500;
const ALERTS_AT_MS = 2_500;
/** ~200–400 ms of CPU per report on this kind of machine. */
const REPORT_LIMIT = 2_500_000;
const PING_LIMIT = 1_000;
/** Back to back on 'normal': about 4 s of CPU, so the demo ends well within 20 s. */
const NORMAL_REPORTS = 10;
/** The health check repeats this often on 'main', while the trickle lasts. */
export const HEALTH_CHECK_EVERY_MS = 500;

/** Every submitted task's id, per lane name. */
export type SubmittedIds = Map<string, string[]>;

function shuffled<T>(items: T[]): T[] {
  return items
    .map((item) => ({ item, key: Math.random() }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);
}

/**
 * Submits the whole workload over about six seconds; resolves with every id once all are in,
 * or with those submitted so far as soon as `signal` aborts.
 */
export async function submitWorkload(lanes: DemoLanes, signal: AbortSignal): Promise<SubmittedIds> {
  const { main, urgent, normal } = lanes;
  const ids: SubmittedIds = new Map([main, urgent, normal].map((lane) => [lane.name, []]));
  const track = (lane: AsyncScheduler | SchedulerThread, id: string): void => {
    ids.get(lane.name)?.push(id);
  };

  // The opening burst arrives in no particular order: priorities, not arrival, decide.
  const burst: (() => string)[] = [
    ...Array.from({ length: 120 }, (_, i) => () => main.submitTask(fetchProfile, `user-${i}`)),
    ...Array.from({ length: 42 }, (_, i) => {
      const cents = i % 3 === 0 ? 250_000 : 1_000 + i * 10; // every third order is declined
      return () => main.submitTask(chargeCard, `order-${i}`, cents);
    }),
    ...Array.from({ length: 30 }, () => () => main.submitTask(resizeImage)),
    ...Array.from({ length: 15 }, () => () => main.submitTask(callLegacyApi)),
    ...Array.from({ length: 10 }, () => () => main.submitTask(exportCsv)),
    ...Array.from(
      { length: 12 },
      (_, i) => () => main.submitTask(renderReport, 200_000 + i * 10_000),
    ),
    ...Array.from({ length: 2 }, () => () => main.submitTask(runawayParser)),
    () => main.submitTask(deliverWebhook, 'order.paid'),
  ];
  for (const submit of shuffled(burst)) track(main, submit());
  for (let i = 0; i < NORMAL_REPORTS; i++)
    track(normal, normal.submitTask(cpuReport, REPORT_LIMIT));

  // A repeating health check: each occurrence is an ordinary task (info.repeatId = checks.id).
  const checks = main.repeat(healthCheck, { every: HEALTH_CHECK_EVERY_MS, signal });
  const checkRuns = main.transitions$
    .pipe(filter((t) => t.to === TaskState.SUBMITTED && t.info.repeatId === checks.id))
    .subscribe((t) => {
      track(main, t.id);
    });

  const startedAt = performance.now();
  let blocked = false;
  let alerted = false;
  for (let tick = 0; performance.now() - startedAt < TRICKLE_MS && !signal.aborted; tick++) {
    track(urgent, urgent.submitTask(ping, PING_LIMIT));
    if (tick % 2 === 0) track(main, main.submitTask(fetchProfile, `user-late-${tick}`));
    const elapsedMs = performance.now() - startedAt;
    if (!blocked && elapsedMs >= BLOCK_AT_MS) {
      blocked = true;
      track(main, main.submitTask(parseConfigSync));
    }
    if (!alerted && elapsedMs >= ALERTS_AT_MS) {
      alerted = true;
      for (let i = 0; i < 12; i++) track(main, main.submitTask(sendAlert));
    }
    await sleep(TICK_MS, undefined, { signal }).catch(() => undefined); // aborted: ends the loop
  }
  checks.cancel(); // no occurrence after the trickle; those submitted already run to the end
  checkRuns.unsubscribe();
  return ids;
}
