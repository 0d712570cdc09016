import { describe, expect, it } from 'vitest';
import { runToExit } from '../support/runToExit.js';

const DEMO = new URL('../../examples/demo.ts', import.meta.url);
/** The demo must finish by itself well within this (issue 4: under 20 s on its own). */
const DEMO_LIMIT_MS = 60_000;

describe('the npm start demo', () => {
  it(
    'runs three lanes to the end by itself, with --dashboard, and reports what happened',
    async () => {
      const { code, stdout, stderr } = await runToExit(DEMO, ['--dashboard']);
      expect(stderr).not.toMatch(/Error|unhandled/i);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m);
      // Not a terminal here: plain progress lines, one per lane, then the report.
      expect(stdout).toMatch(/^\[\d+\.\ds\] main +loop +\[/m);
      expect(stdout).toMatch(/^\[\d+\.\ds\] urgent +thread +\[/m);
      expect(stdout).toMatch(/All \d+ tasks finished in [\d.]+ s\./);
      for (const lane of ['main', 'urgent', 'normal']) {
        expect(stdout).toMatch(new RegExp(`^${lane} +\\d+ +\\d+`, 'm'));
      }
      // The task that blocks the main loop on purpose is named by its warning.
      expect(stdout).toMatch(/main: parse-config-sync: loop blocked 1×/);
      expect(stdout).toContain('One task up close: call-legacy-api');
    },
    DEMO_LIMIT_MS,
  );
});
