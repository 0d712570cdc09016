import { vi } from 'vitest';

/** A V8 flag: Node refuses it in a worker's own `execArgv` (ERR_WORKER_INVALID_EXEC_ARGV). */
export const REFUSED_FLAG = '--no-opt';

/**
 * Makes the library's threads fail to be created, as they would under a Node that allowed
 * {@link REFUSED_FLAG} in `NODE_OPTIONS`: this process looks started with `-e` and that flag,
 * so the threads get an explicit `execArgv` holding it, and `new Worker` throws. Returns the
 * undo, to call once the scheduler under test has stopped.
 */
export function refuseWorkerCreation(): () => void {
  const execArgv = process.execArgv;
  process.execArgv = [...execArgv, '--input-type=module', '-e', '0', REFUSED_FLAG];
  const allowed = vi
    .spyOn(process, 'allowedNodeEnvironmentFlags', 'get')
    .mockReturnValue(new Set([REFUSED_FLAG]));
  return () => {
    process.execArgv = execArgv;
    allowed.mockRestore();
  };
}
