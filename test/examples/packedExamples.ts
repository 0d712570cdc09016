/**
 * `npm run test:examples`: what a new user gets. Packs the package, makes a fresh project
 * outside the repository, installs the tarball as a user would, copies in every README example,
 * type-checks them with `strict` and `skipLibCheck: false` (so the package's .d.ts are checked
 * too), then runs each one and expects it to exit 0 by itself within a time limit. Prints a
 * short summary; exits 1 on the first step that fails, with that step's output.
 *
 * The BullMQ examples (those importing `async-scheduler/bullmq`) run against a Redis given to
 * them as REDIS_URL: the caller's REDIS_URL, else a redis-server from PATH started for them on a
 * free port and stopped afterwards, else they are skipped with a loud notice (an error under
 * CI). A program that calls `runWorker` serves until told to stop, as a worker does: it runs in
 * the background while the other BullMQ examples run, then gets SIGTERM and must exit 0.
 *
 * Run after `npm run build` (the script does that). `KEEP_EXAMPLES_PROJECT=1` keeps the project.
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { packFiles } from '../../scripts/packedFiles.js';
import { printLoudNotice } from '../support/loudNotice.js';
import { provideExampleRedis } from './exampleRedis.js';
import { readReadmeExamples, REPO_ROOT, type ReadmeExample } from './readmeExamples.js';

/** An example that has not exited by then is stuck: something keeps it alive. */
const RUN_LIMIT_MS = 60_000;
/** A worker example has this long to exit after SIGTERM (it finishes its running jobs first). */
const STOP_LIMIT_MS = 15_000;
/** Development dependencies a user adds to run the examples, at the versions this repo uses. */
const USER_DEV_PACKAGES = ['typescript', 'tsx'];
/** What the README tells a user to install beside the package (peers, BullMQ's, the inspector). */
const USER_PACKAGES = ['xstate', 'rxjs', 'bullmq', 'ioredis', '@statelyai/inspect'];
const NODE_TYPES = { '@types/node': '^20' };
/** The tsconfig a new user would write for an ESM Node project. */
const USER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    skipLibCheck: false,
    noEmit: true,
  },
  include: ['**/*.ts'],
};

const run = promisify(execFile);
const repoRoot = fileURLToPath(REPO_ROOT);
const startedAt = performance.now();

const seconds = (fromMs: number): string =>
  `${((performance.now() - fromMs) / 1000).toFixed(1).padStart(5)} s`;

function step(label: string, detail: string, fromMs: number): void {
  console.log(`  ${label.padEnd(34)} ${detail.padEnd(42)} ${seconds(fromMs)}`);
}

/** A step that failed: what ran, and what it wrote. */
class StepFailed extends Error {
  constructor(
    what: string,
    readonly output: string,
  ) {
    super(what);
  }
}

function fail(what: string, output: string): never {
  throw new StepFailed(what, output);
}

/** The version of `name` installed in this repository, so npm finds it in its cache. */
async function installedVersion(name: string): Promise<string> {
  const manifest = join(repoRoot, 'node_modules', name, 'package.json');
  return (JSON.parse(await readFile(manifest, 'utf8')) as { version: string }).version;
}

async function npm(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run('npm', args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return fail(`npm ${args.join(' ')}`, `${stdout}\n${stderr}`);
  }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An example program running in its own process. */
interface RunningExample {
  /** Resolves when it exits, with its code and everything it wrote (stdout and stderr). */
  readonly exited: Promise<{ code: number | null; output: string }>;
  readonly hasExited: () => boolean;
  readonly kill: (signal: NodeJS.Signals) => void;
}

/** Starts `file` as a user would (`npx tsx file`), with `env` added to the environment. */
async function startExample(
  file: string,
  cwd: string,
  env: Readonly<Record<string, string>>,
): Promise<RunningExample> {
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd,
    env: { ...process.env, INSPECTOR_PORT: String(await freePort()), ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  return {
    exited: new Promise((resolve) =>
      child.once('exit', (code) => {
        exited = true;
        resolve({ code, output });
      }),
    ),
    hasExited: () => exited,
    kill: (signal) => child.kill(signal),
  };
}

/** Waits for `example` to exit, killing it after `limitMs`. */
async function exitWithin(
  example: RunningExample,
  limitMs: number,
): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  let timedOut = false;
  const limit = setTimeout(() => {
    timedOut = true;
    example.kill('SIGKILL');
  }, limitMs);
  const { code, output } = await example.exited;
  clearTimeout(limit);
  return { code, output, timedOut };
}

/** Runs the program at `path` (in examples/) to its end; fails the run unless it exits 0 in time. */
async function runToEnd(
  path: string,
  project: string,
  env: Readonly<Record<string, string>> = {},
): Promise<void> {
  const runStartedAt = performance.now();
  const file = relative('examples', path);
  const { code, output, timedOut } = await exitWithin(
    await startExample(file, project, env),
    RUN_LIMIT_MS,
  );
  if (timedOut) fail(`npx tsx ${file} was still running after ${RUN_LIMIT_MS} ms`, output);
  if (code !== 0) fail(`npx tsx ${file} exited with code ${code}`, output);
  step(`npx tsx ${file}`, 'exit 0', runStartedAt);
}

/** True for an example that uses the BullMQ lane (it needs a Redis). */
const needsRedis = ({ code }: ReadmeExample): boolean => code.includes("'async-scheduler/bullmq'");
/** True for an example that is a worker process: it runs until told to stop. */
const isWorker = ({ code }: ReadmeExample): boolean => /\brunWorker\(/.test(code);

/**
 * Runs the BullMQ programs against a Redis: the workers in the background, the others to their
 * end, then SIGTERM to the workers, which must exit 0.
 *
 * @returns how many were skipped for want of a Redis (all of them, or none).
 */
async function runOnRedis(programs: readonly ReadmeExample[], project: string): Promise<number> {
  const redisStartedAt = performance.now();
  let redis;
  try {
    redis = await provideExampleRedis();
  } catch (error) {
    return fail('a Redis for the BullMQ examples', (error as Error).message);
  }
  if ('missing' in redis) {
    const notice = [
      `${programs.length} BullMQ examples NOT RUN (type-checked only): no Redis.`,
      `${redis.missing}.`,
      'Install redis-server (apt-get install redis-server, brew install redis),',
      'or point them at a Redis: REDIS_URL=redis://127.0.0.1:6379 npm run test:examples',
    ];
    if (process.env['CI'] !== undefined)
      return fail('a Redis for the BullMQ examples', notice.join('\n'));
    printLoudNotice(notice);
    return programs.length;
  }
  step('Redis for the BullMQ examples', redis.source, redisStartedAt);
  const env = { REDIS_URL: redis.url };
  const workers: { file: string; running: RunningExample; startedAt: number }[] = [];
  try {
    for (const { path } of programs.filter(isWorker)) {
      const file = relative('examples', path);
      workers.push({
        file,
        running: await startExample(file, project, env),
        startedAt: performance.now(),
      });
    }
    for (const { path } of programs.filter((program) => !isWorker(program))) {
      await runToEnd(path, project, env);
    }
    for (const { file, running, startedAt } of workers) {
      if (running.hasExited()) {
        const { code, output } = await running.exited;
        fail(
          `npx tsx ${file} (a worker) exited by itself, with code ${code}, before SIGTERM`,
          output,
        );
      }
      running.kill('SIGTERM');
      const { code, output, timedOut } = await exitWithin(running, STOP_LIMIT_MS);
      if (timedOut)
        fail(`npx tsx ${file} was still running ${STOP_LIMIT_MS} ms after SIGTERM`, output);
      if (code !== 0) fail(`npx tsx ${file} exited with code ${code} on SIGTERM`, output);
      step(`npx tsx ${file}`, 'served, exit 0 on SIGTERM', startedAt);
    }
  } finally {
    for (const { running } of workers) if (!running.hasExited()) running.kill('SIGKILL');
    await redis.release(programs.map(({ code }) => code));
  }
  return 0;
}

/** `tsc -p project` with the user's tsconfig; fails the run on any error. */
async function typeCheckProject(project: string, fileCount: number): Promise<void> {
  const checkStartedAt = performance.now();
  const typescript = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await run(process.execPath, [typescript, '-p', project], { cwd: project });
  } catch (error) {
    fail('tsc --strict (skipLibCheck: false)', (error as { stdout?: string }).stdout ?? '');
  }
  step('tsc: strict, skipLibCheck false', `${fileCount} files, no errors`, checkStartedAt);
}

const workDir = await mkdtemp(join(tmpdir(), 'async-scheduler-examples-'));
try {
  const { examples, unnamed } = await readReadmeExamples();
  if (unnamed.length > 0) {
    fail('README ```ts blocks that name no examples/ file', JSON.stringify(unnamed, null, 2));
  }
  console.log(
    `test:examples: the ${examples.length} README example files, against the packed package`,
  );
  let t = performance.now();
  const packed = packFiles(repoRoot, workDir); // built above, by the npm script
  const tarball = join(workDir, packed.filename);
  step('npm pack', `${packed.filename}, ${packed.files.length} files`, t);

  t = performance.now();
  const project = join(workDir, 'project');
  await mkdir(project);
  await npm(['init', '-y'], project);
  // What `npm install <tarball> xstate rxjs …` and `npm install -D …` write, in one install.
  const manifestPath = join(project, 'package.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
  const pinned = async (names: string[]): Promise<Record<string, string>> =>
    Object.fromEntries(
      await Promise.all(
        names.map(async (name): Promise<[string, string]> => [name, await installedVersion(name)]),
      ),
    );
  const dependencies = { 'async-scheduler': `file:${tarball}`, ...(await pinned(USER_PACKAGES)) };
  const devDependencies = { ...NODE_TYPES, ...(await pinned(USER_DEV_PACKAGES)) };
  const userManifest = { ...manifest, type: 'module', dependencies, devDependencies };
  await writeFile(manifestPath, JSON.stringify(userManifest, null, 2));
  await npm(
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    project,
  );
  step('fresh project, npm install', `tarball + ${USER_PACKAGES.join(', ')}`, t);

  t = performance.now();
  for (const { path } of examples) {
    const target = join(project, relative('examples', path));
    await mkdir(dirname(target), { recursive: true });
    await cp(join(repoRoot, path), target);
  }
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify(USER_TSCONFIG, null, 2));
  const tsFiles = examples.filter(({ path }) => path.endsWith('.ts'));
  // Programs sit in examples/ itself; modules they load (examples/tasks/…) are checked, not run.
  const programs = tsFiles.filter(({ path }) => /^examples\/[^/]+\.ts$/.test(path));
  // tsx does not type-check: the check and the runs are independent, so they overlap.
  const typeCheck = typeCheckProject(project, tsFiles.length);
  typeCheck.catch(() => undefined); // awaited below, after the runs: not an unhandled rejection
  for (const { path } of programs.filter((program) => !needsRedis(program))) {
    await runToEnd(path, project);
  }
  const onRedis = programs.filter(needsRedis);
  const skipped = onRedis.length === 0 ? 0 : await runOnRedis(onRedis, project);
  await typeCheck;
  const { size } = await stat(tarball);
  const ran =
    skipped === 0 ? `all ${programs.length}` : `${programs.length - skipped} of ${programs.length}`;
  console.log(
    `✓ ${ran} examples type-check and run against ${packed.filename} ` +
      `(${(size / 1024).toFixed(0)} kB) in ${seconds(startedAt).trim()}` +
      (skipped === 0 ? '' : `; ${skipped} BullMQ examples type-checked but NOT RUN (no Redis)`),
  );
} catch (error) {
  if (!(error instanceof StepFailed)) throw error;
  console.error(`\n✗ ${error.message}\n${error.output.trim()}`);
  process.exitCode = 1;
} finally {
  if (process.env['KEEP_EXAMPLES_PROJECT'] === undefined) {
    await rm(workDir, { recursive: true, force: true });
  } else {
    console.log(`  (kept ${workDir})`);
  }
}
