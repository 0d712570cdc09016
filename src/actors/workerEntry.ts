import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The library's worker-thread entry files (under `worker/`). */
export type WorkerEntryName = 'executorWorker' | 'laneWorker';

/**
 * The URL a worker thread is started from: the compiled JavaScript of `worker/<name>.js` in
 * `dist/`.
 *
 * @remarks Running from the TypeScript sources (tests, tsx), it is still the built copy: a worker
 * thread does not inherit the main thread's TypeScript loader, and `npm test` builds first.
 * @param neededBy - what needs the thread, for the error message ("SyncTask").
 * @throws Error when running from the sources and `dist/` was not built.
 */
export function workerEntry(name: WorkerEntryName, neededBy: string): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL(`../worker/${name}.js`, import.meta.url);
  const built = new URL(`../../dist/worker/${name}.js`, import.meta.url);
  if (!existsSync(built)) {
    throw new Error(
      `${neededBy} needs the built worker entry ${fileURLToPath(built)}: run \`npm run build\``,
    );
  }
  return built;
}
