import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The path of the first executable file called `name` in the directories of `PATH`, or
 * `undefined` when there is none (as the shell's `command -v` would find it).
 *
 * @example
 * const redisServer = findExecutable('redis-server'); // '/usr/bin/redis-server' or undefined
 */
export function findExecutable(name: string, path = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    // Missing or not executable: either way, not this candidate.
    return false;
  }
}
