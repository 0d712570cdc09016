// examples/tasks/report.mjs
/** A CPU-bound report: keeps its thread's event loop busy for `ms` milliseconds. */
export default function report({ args: [kind, ms] }) {
  const until = performance.now() + ms;
  let rows = 0;
  while (performance.now() < until) rows++;
  return `${kind} report: ${rows} rows`;
}

/** Ends the thread it runs in, as a crashing native addon or a stray `process.exit` would. */
export function crash({ args: [exitCode] }) {
  process.exit(exitCode);
}
