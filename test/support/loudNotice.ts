/**
 * Writes `lines` to stderr inside a box of `#`, so a notice (a suite skipped, and how to run
 * it) stands out of a test run's output instead of scrolling past.
 *
 * @example
 * printLoudNotice(['BullMQ tests SKIPPED: no Redis', 'Set REDIS_URL or install redis-server.']);
 */
export function printLoudNotice(
  lines: readonly string[],
  stream: NodeJS.WritableStream = process.stderr,
): void {
  stream.write(formatLoudNotice(lines));
}

/** The box {@link printLoudNotice} writes: a blank line, the framed lines, a blank line. */
export function formatLoudNotice(lines: readonly string[]): string {
  const width = Math.max(...lines.map((line) => line.length));
  const rule = '#'.repeat(width + 6);
  const framed = lines.map((line) => `##  ${line.padEnd(width)}  ##`);
  return ['', rule, ...framed, rule, '', ''].join('\n');
}
