/** How long a cancel for a job not (yet) running here is kept, ms. */
const KEPT_MS = 60_000;

/**
 * Cancels that reached a worker before the job did: BullMQ marks a job active (and the
 * scheduler hears of it) before the worker that took it runs it, so a cancel sent at once can
 * find no running job to abort. Such a cancel is kept for a while, and the job, when it comes,
 * starts canceled. Every worker of the queue hears every cancel, so most are kept for jobs that
 * run elsewhere: they are dropped after a minute.
 */
export class EarlyCancels {
  readonly #reasons = new Map<string, { readonly reason: string; readonly at: number }>();

  /** Keeps a cancel of a job not running here. */
  keep(jobId: string, reason: string, now = Date.now()): void {
    this.#reasons.delete(jobId);
    this.#reasons.set(jobId, { reason, at: now });
    // Oldest first (insertion order): drop what has expired.
    for (const [id, { at }] of this.#reasons) {
      if (now - at < KEPT_MS) break;
      this.#reasons.delete(id);
    }
  }

  /** The reason a job was canceled before it came here, once; undefined if it was not. */
  take(jobId: string): string | undefined {
    const kept = this.#reasons.get(jobId);
    if (kept === undefined) return undefined;
    this.#reasons.delete(jobId);
    return kept.reason;
  }

  /** How many cancels are kept. */
  get size(): number {
    return this.#reasons.size;
  }
}
