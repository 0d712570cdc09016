/**
 * `npm run check:tsdoc-examples`: type-checks every fenced `ts` block of an `@example` tag in
 * src/, so the examples a reader copies compile. Each block becomes a module of its own in a
 * scratch folder laid out like src/ (TypeScript's `rootDirs` merges the two, so an internal
 * module's example can import that module by a relative path; public examples import from
 * 'async-scheduler', which resolves to the built package itself: build first). They compile
 * under `strict`, with the few names of {@link AMBIENT} declared, and next to the task modules
 * examples name (`./hash.js`, `./ping.js`, `./codec.js`: scripts/tsdocExamples/modules/). tsc's errors are reported at
 * the example's line in the source file. Exits 1 if any example fails.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractExamples } from './tsdocExamples/extractExamples.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = join(root, '.tsdoc-examples');
/**
 * Names an `@example` may use without defining them: a scheduler built elsewhere, as the prose
 * around the example says. Everything else an example uses it imports, from the package's entry
 * points (`'async-scheduler'`, `'async-scheduler/dashboard'`, `'async-scheduler/inspect'`), or,
 * in an example of an internal module, from that module by a relative path (with `declare const`
 * for the values it assumes). A name an example defines itself takes precedence over these.
 */
const AMBIENT = "declare const scheduler: import('async-scheduler').AsyncScheduler;\n";
const EXAMPLE_FILE = /^(.*)\.example-L(\d+)\.ts\((\d+),(\d+)\): (.*)$/;

const MODULES = join(root, 'scripts', 'tsdocExamples', 'modules');

/** Puts the task modules examples name (`./hash.js`…) into a folder of examples, once. */
function withTaskModules(folder: string, done: Set<string>): void {
  if (done.has(folder)) return;
  done.add(folder);
  for (const module of readdirSync(MODULES)) {
    writeFileSync(join(folder, module), readFileSync(join(MODULES, module)));
  }
}

/** Writes each example as `<scratch>/src/<dir>/<name>.example-L<line>.ts`; returns the count. */
function writeExamples(): number {
  let count = 0;
  const folders = new Set<string>();
  const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' });
  for (const source of sources.filter((file) => file.endsWith('.ts'))) {
    const text = readFileSync(join(root, 'src', source), 'utf8');
    for (const { line, code } of extractExamples(text)) {
      const file = join(scratch, 'src', source.replace(/\.ts$/, `.example-L${String(line)}.ts`));
      mkdirSync(dirname(file), { recursive: true });
      withTaskModules(dirname(file), folders);
      writeFileSync(file, `${code}\nexport {};\n`);
      count++;
    }
  }
  return count;
}

/** tsc's report with each example's position turned into its line in the source file. */
function atSourceLines(report: string): string {
  return report
    .split('\n')
    .map((line) => {
      const match = EXAMPLE_FILE.exec(line);
      if (match === null) return line;
      const [, file = '', exampleLine = '0', row = '0', column = '0', message = ''] = match;
      // tsc names the file relative to the scratch folder, which mirrors the repository's src/.
      return `${file}.ts:${String(Number(exampleLine) + Number(row) - 1)}:${column} ${message}`;
    })
    .join('\n');
}

rmSync(scratch, { recursive: true, force: true });
try {
  const count = writeExamples();
  // What a user's project has: strict, ES modules on Node; not this repo's extra strictness.
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'nodenext',
      moduleResolution: 'nodenext',
      types: ['node'],
      typeRoots: ['../node_modules/@types'],
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      rootDirs: ['../src', './src'],
    },
    include: ['src', 'ambient.d.ts'],
  };
  writeFileSync(join(scratch, 'ambient.d.ts'), AMBIENT);
  writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  try {
    execFileSync('npx', ['--no-install', 'tsc', '-p', join(scratch, 'tsconfig.json')], {
      cwd: scratch,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    console.log(`${String(count)} TSDoc examples compile`);
  } catch (error) {
    const { stdout = '' } = error as { stdout?: string };
    console.error(atSourceLines(stdout));
    console.error(`TSDoc examples that do not compile (of ${String(count)}): see above`);
    process.exitCode = 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
