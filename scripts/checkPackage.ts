/**
 * `npm run check:package`: packs the built package once, as `npm publish` would, and checks the
 * tarball a registry user would get:
 * - every `sources` entry of every shipped source map names a file in the tarball;
 * - `publint --strict` (package.json fields, exports, files) reports nothing;
 * - `attw --profile esm-only` (are the types wrong?) finds every entry point typed under each
 *   resolution an ESM consumer uses (`node16` from ESM, `bundler`). The package ships ES modules
 *   only, so the profile leaves out `require()` from CommonJS (which would report "CJS resolves
 *   to ESM" for each entry, by design) and TypeScript's legacy `node10` resolution (which reads
 *   no `exports` map, so no subpath entry resolves there).
 * Exits 1 if any check fails.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { danglingSourceMaps } from './danglingSourceMaps.js';
import { packFiles } from './packedFiles.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'async-scheduler-pack-'));

/** Runs a locally installed CLI; true if it exited 0 (its output goes to the terminal). */
function runTool(name: string, args: readonly string[]): boolean {
  console.log(`\n$ ${name} ${args.join(' ')}`);
  try {
    execFileSync('npx', ['--no-install', name, ...args], { cwd: root, stdio: 'inherit' });
    return true;
  } catch {
    return false;
  }
}

try {
  const { filename, files } = packFiles(root, workDir);
  const tarball = join(workDir, filename);
  execFileSync('tar', ['-xzf', tarball, '-C', workDir]);
  console.log(`packed ${String(files.length)} files into ${filename}`);

  const dangling = danglingSourceMaps(files, (path) =>
    readFileSync(join(workDir, 'package', path), 'utf8'),
  );
  for (const { map, source } of dangling) console.error(`${map}: source ${source} is not shipped`);
  console.log(`source maps: ${dangling.length === 0 ? 'every source shipped' : 'DANGLING'}`);

  const results = [
    dangling.length === 0,
    runTool('publint', ['run', tarball, '--strict']),
    runTool('attw', [tarball, '--profile', 'esm-only']),
  ];
  process.exitCode = results.every(Boolean) ? 0 : 1;
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
