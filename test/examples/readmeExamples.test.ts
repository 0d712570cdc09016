import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReadmeExamples, readReadmeExamples, README, REPO_ROOT } from './readmeExamples.js';

const { examples, unnamed } = await readReadmeExamples();
const shown = new Set(examples.map((example) => example.path));
const readme = readFileSync(README, 'utf8');

/** The modules an example loads by a relative path: imports and `new URL('./…', import.meta.url)`. */
function relativeModules(code: string): string[] {
  const imports = [...code.matchAll(/from '(\.{1,2}\/[^']+)'/g)];
  const urls = [...code.matchAll(/new URL\('(\.{1,2}\/[^']+)', import\.meta\.url\)/g)];
  return [...imports, ...urls].map(([, specifier = '']) => specifier);
}

describe('the README code examples', () => {
  it('are found: several, each naming its file', () => {
    expect(examples.length).toBeGreaterThan(5);
    expect(shown.has('examples/quickstart.ts')).toBe(true);
  });

  it('name their file on their first line, every ```ts block of them', () => {
    expect(unnamed).toEqual([]);
  });

  it.each(examples)('$path (README line $line) is byte-identical to the file', ({ path, code }) => {
    const file = new URL(path, REPO_ROOT);
    expect(existsSync(file), `${path} is named by the README but does not exist`).toBe(true);
    expect(code).toBe(readFileSync(file, 'utf8'));
  });

  it.each(examples)(
    '$path imports the package by name, and shows every file it loads',
    ({ path, code }) => {
      expect(code).not.toMatch(/from '\.\.\/(src|dist)\//);
      for (const specifier of relativeModules(code)) {
        expect(shown, `${path} loads ${specifier}, which the README does not show`).toContain(
          normalize(join(dirname(path), specifier)),
        );
      }
    },
  );

  it('link and point images only to absolute addresses (docs/ and examples/ are not shipped)', () => {
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target = '']) => target);
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => !/^(https:\/\/|#)/.test(target))).toEqual([]);
  });
});

describe('parseReadmeExamples()', () => {
  it('takes a named block as its file, with the final newline, and reports an unnamed ```ts block', () => {
    const markdown = [
      '# t',
      '```ts',
      '// examples/a.ts',
      'run();',
      '```',
      '```js',
      '// examples/tasks/b.mjs',
      '```',
      '```ts',
      'const x = 1;',
      '```',
      '```sh',
      'npm test',
      '```',
      '',
    ].join('\n');
    expect(parseReadmeExamples(markdown)).toEqual({
      examples: [
        { path: 'examples/a.ts', code: '// examples/a.ts\nrun();\n', line: 2 },
        { path: 'examples/tasks/b.mjs', code: '// examples/tasks/b.mjs\n', line: 6 },
      ],
      unnamed: [{ line: 9, firstLine: 'const x = 1;' }],
    });
  });
});
