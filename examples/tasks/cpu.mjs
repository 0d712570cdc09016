// CPU-bound task bodies for the demo's SyncTasks. They run on executor threads, so they are
// plain JavaScript modules loaded by reference: `{ module: URL, export: 'countPrimes' }`.

/** Counts the primes below `limit` the slow way: real CPU work, no awaiting. */
export function countPrimes({ args: [limit] }) {
  let count = 0;
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/** Never returns: only terminating its thread stops it (a timeout does exactly that). */
export function runaway() {
  for (;;) {
    // a catastrophic loop, as a bad regular expression or a buggy parser would be
  }
}
