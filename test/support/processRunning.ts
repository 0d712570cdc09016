import { readFileSync } from 'node:fs';

/**
 * Whether process `pid` exists and has not exited: signal 0 reaches it, and (on Linux) it is
 * not a zombie — an exited process whose parent has not collected it yet, as an orphan may stay
 * when the container's init does not reap.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: it exists, owned by someone else.
    return true;
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // No /proc (not Linux), or the process went away meanwhile: signal 0 answered already.
    return false;
  }
  // "pid (comm) state ...": comm may hold spaces and parentheses, so read after the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}
