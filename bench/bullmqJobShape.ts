/**
 * Raw BullMQ jobs shaped as the BullMQ lane sends them (issue 15): the same data (the lane's
 * job payload), id (a UUID v7 per job), priority (every job has one) and removal counts (the
 * lane's default `keepJobs`), built with the lane's own helpers from `dist/`. What the lane's
 * jobs cost BullMQ and Redis, apart from anything the lane does in JavaScript.
 */
import type { BulkJobs } from './bullmq.js';
import { createIdFactory } from '../dist/ids.js';
import { taskJobOptions } from '../dist/scheduler/placements/bullmq/jobOptions.js';
import {
  PAYLOAD_VERSION,
  type JobPayload,
} from '../dist/scheduler/placements/bullmq/jobPayload.js';

/** The lane's default `keepJobs`. */
const LANE_KEEP_JOBS = { completed: 1_000, failed: 5_000 } as const;

/** `count` no-op jobs of a handler body, as a BullMQScheduler of lane `lane` adds them. */
export function laneShapedJobs(count: number, lane: string): BulkJobs {
  const createId = createIdFactory();
  const now = Date.now();
  return Array.from({ length: count }, () => {
    const payload: JobPayload = {
      v: PAYLOAD_VERSION,
      lane,
      type: 'async',
      body: { handler: 'noop' },
      args: [],
      attempts: 1,
      priority: 0,
      submittedAt: now,
    };
    return {
      name: 'noop',
      data: payload,
      opts: { ...taskJobOptions(createId(), payload, undefined, now, LANE_KEEP_JOBS) },
    };
  });
}
