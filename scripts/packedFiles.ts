import { execFileSync } from 'node:child_process';

/** What `npm pack --json` reports for one package. */
interface PackReport {
  filename: string;
  files: { path: string }[];
}

/** The tarball `npm pack` wrote (or would write) and the package-relative paths it holds. */
export interface PackedFiles {
  /** The tarball's file name (inside the pack destination). */
  filename: string;
  files: string[];
}

/**
 * Packs the package at `cwd` with npm, as `npm publish` would, without running its lifecycle
 * scripts (build first).
 *
 * @param destination - Where to write the tarball; absent: a dry run that writes nothing.
 */
export function packFiles(cwd: string, destination?: string): PackedFiles {
  const target = destination === undefined ? ['--dry-run'] : ['--pack-destination', destination];
  const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', ...target], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [report] = JSON.parse(output) as PackReport[];
  if (report === undefined) throw new Error(`npm pack reported no package in ${cwd}`);
  return { filename: report.filename, files: report.files.map((file) => file.path) };
}
