/** A full collection, twice (the second sweeps what the first's finalizers freed). */
export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('Run with --expose-gc');
  collect();
  collect();
}
