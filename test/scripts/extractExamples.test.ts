import { describe, expect, it } from 'vitest';
import { extractExamples } from '../../scripts/tsdocExamples/extractExamples.js';

const source = [
  '/**', // 1
  ' * Summary.', // 2
  ' *', // 3
  ' * @remarks Not an example:', // 4
  ' * ```ts', // 5
  ' * notAnExample();', // 6
  ' * ```', // 7
  ' * @example', // 8
  ' * ```ts', // 9
  ' * first();', // 10
  ' * ```', // 11
  ' * Between blocks.', // 12
  ' * ```typescript', // 13
  ' * second();', // 14
  ' * ```', // 15
  ' * @example', // 16
  ' * ```js', // 17
  ' * notTypeScript();', // 18
  ' * ```', // 19
  ' * @throws Nothing.', // 20
  ' */', // 21
  'export function f(): void {}', // 22
  '/** @example', // 23
  ' * ```ts', // 24
  ' * third();', // 25
  ' * ```', // 26
  ' */', // 27
].join('\n');

describe('extractExamples()', () => {
  it('takes the ts blocks of @example tags, with the line each starts at', () => {
    expect(extractExamples(source)).toEqual([
      { line: 10, code: 'first();\n' },
      { line: 14, code: 'second();\n' },
      { line: 25, code: 'third();\n' },
    ]);
  });

  it('finds none in a file without doc comments', () => {
    expect(extractExamples('// ```ts\nconst x = 1;\n')).toEqual([]);
  });
});
