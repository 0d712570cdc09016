import { describe, expect, it } from 'vitest';
import { LaneMailbox } from '../../src/scheduler/lane/LaneMailbox.js';

interface Job {
  readonly id: string;
}

/**
 * A mailbox whose schedule and starts are written to `log`; `startable` is what may start, and
 * `onStart` what a started task's callback does.
 */
function recordingMailbox(startable: string[] = [], onStart?: (started: string) => void) {
  const log: string[] = [];
  const mailbox = new LaneMailbox<Job>({
    schedule: (job) => {
      log.push(`schedule ${job.id}`);
    },
    startNext: () => {
      const next = startable.shift();
      if (next === undefined) return false;
      log.push(`start ${next}`);
      onStart?.(next);
      return true;
    },
  });
  return { log, mailbox };
}

describe('LaneMailbox', () => {
  describe('.step()', () => {
    it('runs the work, then reads its mail in order, then starts what may start', () => {
      const { log, mailbox } = recordingMailbox(['a']);
      mailbox.step(
        (first: Job, second: Job) => {
          log.push('work');
          mailbox.post(first);
          mailbox.post(second);
        },
        { id: 'a' },
        { id: 'b' },
      );
      expect(log).toEqual(['work', 'schedule a', 'schedule b', 'start a']);
    });

    it('runs a step called from inside a step at once, and its mail after the outer work', () => {
      const { log, mailbox } = recordingMailbox();
      mailbox.step(
        (job: Job) => {
          log.push('outer begins');
          mailbox.step(
            (inner: Job) => {
              log.push('inner');
              mailbox.post(inner);
            },
            { id: 'inner' },
            undefined,
          );
          log.push('outer ends');
          mailbox.post(job);
        },
        { id: 'outer' },
        undefined,
      );
      expect(log).toEqual([
        'outer begins',
        'inner',
        'outer ends',
        'schedule inner',
        'schedule outer',
      ]);
    });

    it('reads mail posted by a start before the next start', () => {
      // What an onStart callback that submits does.
      const { log, mailbox } = recordingMailbox(['a', 'b'], (started) => {
        if (started === 'a') mailbox.post({ id: 'from a' });
      });
      mailbox.wake();
      expect(log).toEqual(['start a', 'schedule from a', 'start b']);
    });

    it('keeps the mail a throwing step did not read for the next step', () => {
      const log: string[] = [];
      const mailbox = new LaneMailbox<Job>({
        schedule: (job) => {
          if (job.id === 'bad') throw new Error('schedule failed');
          log.push(`schedule ${job.id}`);
        },
        startNext: () => false,
      });
      expect(() => {
        mailbox.step(
          () => {
            mailbox.post({ id: 'bad' });
            mailbox.post({ id: 'kept' });
          },
          undefined,
          undefined,
        );
      }).toThrow('schedule failed');
      expect(log).toEqual([]);
      mailbox.wake();
      expect(log).toEqual(['schedule kept']);
    });
  });

  describe('.post()', () => {
    it('outside a step, reads the mail at once; a command is called', () => {
      const { log, mailbox } = recordingMailbox();
      mailbox.post(() => {
        log.push('command');
      });
      mailbox.post({ id: 'a' });
      expect(log).toEqual(['command', 'schedule a']);
    });
  });
});
