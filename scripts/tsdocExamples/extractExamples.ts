/** One fenced `ts` block of an `@example` tag in a doc comment. */
export interface TsdocExample {
  /** The 1-based line of the source file where the block's code starts. */
  line: number;
  /** The code, without the comment's leading ` * `. */
  code: string;
}

const DOC_COMMENT = /\/\*\*[\s\S]*?\*\//g;
const FENCED_TS = /```(?:ts|typescript)\n([\s\S]*?)```/g;
const LEADING_STAR = /^[ \t]*\* ?/;
const TAG = /^@\w+/;

/** The number of line breaks in `text`. */
const lineBreaks = (text: string): number => text.split('\n').length - 1;

/**
 * Every fenced `ts` (or `typescript`) block inside an `@example` tag of the doc comments in
 * `source`, a TypeScript file's text. Blocks elsewhere in a comment (summary, `@remarks`) are
 * illustrations, not examples, and are left out.
 */
export function extractExamples(source: string): TsdocExample[] {
  const examples: TsdocExample[] = [];
  for (const comment of source.matchAll(DOC_COMMENT)) {
    const commentLine = 1 + lineBreaks(source.slice(0, comment.index));
    const body = comment[0].slice('/**'.length, -'*/'.length);
    const lines = body.split('\n').map((line) => line.replace(LEADING_STAR, ''));
    let inExample = false;
    let exampleText = '';
    let exampleStart = 0;
    const flush = () => {
      for (const block of exampleText.matchAll(FENCED_TS)) {
        const before = exampleText.slice(0, block.index);
        examples.push({
          line: commentLine + exampleStart + lineBreaks(before) + 1,
          code: block[1] ?? '',
        });
      }
      exampleText = '';
    };
    for (const [index, line] of lines.entries()) {
      const tag = TAG.exec(line.trimStart())?.[0];
      if (tag !== undefined) {
        if (inExample) flush();
        inExample = tag === '@example';
        exampleStart = index + 1;
      } else if (inExample) {
        exampleText += `${line}\n`;
      }
    }
    if (inExample) flush();
  }
  return examples;
}
