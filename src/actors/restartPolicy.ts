/**
 * OTP-style restart intensity: at most `maxRestarts` crashes within `windowMs`, with an
 * exponential, jittered delay before each restart.
 */
export interface RestartPolicy {
  /** Crashes tolerated within the window before the executor is marked degraded. @default 5 */
  readonly maxRestarts: number;
  /** The sliding window for `maxRestarts`, in ms. @default 10_000 */
  readonly windowMs: number;
  /** Delay before the first restart, in ms; doubles with each recent crash. @default 20 */
  readonly baseDelayMs: number;
  /** Longest delay between restarts, in ms (also the retry period while degraded). @default 2_000 */
  readonly maxDelayMs: number;
}

/** The defaults: five crashes in ten seconds, 20 ms doubling up to 2 s. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = Object.freeze({
  maxRestarts: 5,
  windowMs: 10_000,
  baseDelayMs: 20,
  maxDelayMs: 2_000,
});

/**
 * Keeps the recent crash times of one executor and says how long to wait before the next
 * restart and whether the limit is passed.
 */
export class RestartTracker {
  readonly #policy: RestartPolicy;
  readonly #random: () => number;
  #crashes: number[] = [];

  constructor(policy: RestartPolicy, random: () => number = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  /** Records a crash at `now`; returns the delay before restarting and whether the limit is passed. */
  recordCrash(now: number): { delayMs: number; overLimit: boolean } {
    const { windowMs, maxRestarts, baseDelayMs, maxDelayMs } = this.#policy;
    this.#crashes = this.#crashes.filter((at) => now - at < windowMs);
    this.#crashes.push(now);
    const recent = this.#crashes.length;
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (recent - 1));
    // "Equal jitter": half fixed, half random, so restarts of many pools do not line up.
    const delayMs = exponential / 2 + (this.#random() * exponential) / 2;
    return { delayMs, overLimit: recent > maxRestarts };
  }
}
