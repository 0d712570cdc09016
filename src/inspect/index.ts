/**
 * The `async-scheduler/inspect` entry point: tools for the XState inspection stream a
 * scheduler's `inspect` option receives — filter it, record it to a file, replay a recording.
 *
 * @example
 * ```ts
 * import { AsyncScheduler } from 'async-scheduler';
 * import { createInspectionRecorder } from 'async-scheduler/inspect';
 *
 * const recorder = createInspectionRecorder('inspection.jsonl');
 * const scheduler = new AsyncScheduler({ inspect: recorder.inspect }).start();
 * ```
 * @packageDocumentation
 */
export { filterInspection } from './filterInspection.js';
export type { FilterInspectionOptions } from './filterInspection.js';
export type { TaskNameFilter } from './taskNameFilter.js';
export { createInspectionRecorder } from './createInspectionRecorder.js';
export type { InspectionRecorder, InspectionRecorderOptions } from './createInspectionRecorder.js';
export { readInspectionRecording, replayInspection } from './readInspectionRecording.js';
export type { RecordedInspectionEvent } from './serializeInspectionEvent.js';
