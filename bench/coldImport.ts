/**
 * Cold import: how long `await import(specifier)` takes in a fresh Node process, for this
 * package's entries and for the peers. Each sample is one child process (no tsx, no warm
 * module cache), timed by the child itself with `performance.now()` around the import alone,
 * so Node's own start-up is not counted.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The package's root: bare specifiers resolve from here, and `async-scheduler` to itself. */
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SPECIFIER_VARIABLE = 'COLD_IMPORT_SPECIFIER';
const CHILD_SCRIPT = [
  `const specifier = process.env.${SPECIFIER_VARIABLE};`,
  'const before = performance.now();',
  'await import(specifier);',
  'process.stdout.write(String(performance.now() - before));',
].join('\n');

/** Milliseconds one fresh process takes to import `specifier`. */
export function coldImportMs(specifier: string): number {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, [SPECIFIER_VARIABLE]: specifier, NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  return Number(output);
}

/** The value below which `fraction` of `values` lie (nearest rank). */
export function quantile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * fraction) - 1)] ?? NaN;
}

/**
 * Cold-import samples of each specifier, `processes` each, taken in rounds that visit every
 * specifier once (in turn, the starting one moving each round), so a change in the host's load
 * falls on all of them alike. One unrecorded round first warms the file system cache.
 */
export function coldImportSamples(
  specifiers: readonly string[],
  processes: number,
): Map<string, number[]> {
  const samples = new Map(specifiers.map((specifier) => [specifier, [] as number[]]));
  for (const specifier of specifiers) coldImportMs(specifier);
  for (let round = 0; round < processes; round++) {
    for (let i = 0; i < specifiers.length; i++) {
      const specifier = specifiers[(round + i) % specifiers.length] as string;
      samples.get(specifier)?.push(coldImportMs(specifier));
    }
  }
  return samples;
}
