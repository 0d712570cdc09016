import type { TaskState } from '../taskState.js';
import { isFinished, stampKey } from '../machines/taskLifecycle.js';
import type { TaskInfo, TaskTransition } from '../tasks/types.js';
import type { TimelineEntry } from './types.js';

/** A timeline entry while the dashboard keeps it up to date. */
interface MutableEntry {
  id: string;
  name: string;
  state: TaskState;
  submit?: number;
  start?: number;
  end?: number;
  attempt?: number;
}

/**
 * The newest `capacity` tasks of one lane, as timeline bars, and which of them changed since
 * the last {@link takeChanged}.
 *
 * @remarks O(1) per transition: a Map keeps insertion (first seen) order, so the oldest entry
 * is its first key. A transition reads only its plain fields (`at`, `to`), never the lazily
 * built `info`, so thousands of transitions a second stay cheap.
 */
export class RecentTasks {
  readonly #capacity: number;
  readonly #entries = new Map<string, MutableEntry>();
  readonly #changed = new Set<string>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Seeds the ring with tasks the lane already had (in submit order). */
  seed(infos: readonly TaskInfo[]): void {
    for (const info of infos.slice(-this.#capacity)) {
      const entry: MutableEntry = { id: info.id, name: info.name, state: info.state };
      if (info.ts.submit !== undefined) entry.submit = info.ts.submit;
      if (info.ts.start !== undefined) entry.start = info.ts.start;
      const end = endOf(info);
      if (end !== undefined) entry.end = end;
      if (info.attempt > 1) entry.attempt = info.attempt;
      this.#add(entry);
    }
  }

  /** Applies one transition. */
  record(transition: TaskTransition): void {
    let entry = this.#entries.get(transition.id);
    if (entry === undefined) {
      entry = { id: transition.id, name: transition.name, state: transition.to };
      if (transition.to === 'SUBMITTED') entry.submit = transition.at;
      else {
        // Seen first later on (evicted from the ring while it waited): its info has the times.
        const { ts, attempt, attempts } = transition.info;
        if (ts.submit !== undefined) entry.submit = ts.submit;
        if (ts.start !== undefined) entry.start = ts.start;
        // After a retry edge the attempt to come is one past the attempts retried.
        const latest = Math.max(attempt, attempts.length + 1);
        if (latest > 1) entry.attempt = latest;
      }
      this.#add(entry);
    } else if (transition.reason === 'retry') {
      entry.attempt = (entry.attempt ?? 1) + 1;
    }
    entry.state = transition.to;
    // Back to waiting: the bar waits again until the next attempt starts.
    if (transition.reason === 'retry') delete entry.start;
    if (transition.to === 'STARTED') entry.start = transition.at;
    if (isFinished(transition.to)) entry.end = transition.at;
    this.#changed.add(entry.id);
  }

  /** Every entry, oldest first. */
  all(): TimelineEntry[] {
    return [...this.#entries.values()].map(copy);
  }

  /** The entries changed since the last call, oldest first; resets the change set. */
  takeChanged(): TimelineEntry[] {
    const changed: TimelineEntry[] = [];
    for (const id of this.#changed) {
      const entry = this.#entries.get(id);
      if (entry !== undefined) changed.push(copy(entry));
    }
    this.#changed.clear();
    return changed;
  }

  /** Forgets what changed (nobody is listening for it). */
  clearChanged(): void {
    this.#changed.clear();
  }

  #add(entry: MutableEntry): void {
    this.#entries.set(entry.id, entry);
    if (this.#entries.size <= this.#capacity) return;
    const oldest = this.#entries.keys().next().value as string;
    this.#entries.delete(oldest);
    this.#changed.delete(oldest);
  }
}

function endOf(info: TaskInfo): number | undefined {
  return isFinished(info.state) ? info.ts[stampKey(info.state)] : undefined;
}

function copy(entry: MutableEntry): TimelineEntry {
  return { ...entry };
}
