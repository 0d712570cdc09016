/**
 * The README's code examples: every ```ts (and ```js) block whose first line is a comment
 * naming a file under examples/ is that file, verbatim. Shared by the test that keeps them in
 * step and by `npm run test:examples`, which runs them against the packed package.
 */
import { readFile } from 'node:fs/promises';

/** A fenced code block of the README that is a whole file of examples/. */
export interface ReadmeExample {
  /** The file it shows, relative to the repository root, e.g. `examples/quickstart.ts`. */
  readonly path: string;
  /** The block's text with the file's final newline, i.e. the file's expected content. */
  readonly code: string;
  /** The README line of the opening fence, for messages. */
  readonly line: number;
}

/** A ```ts block that does not say which file it is. */
export interface UnnamedBlock {
  readonly line: number;
  readonly firstLine: string;
}

const FENCE = /^```(\w*)\n([^]*?)^```$/gm;
const NAME = /^\/\/ (examples\/\S+)$/;
const CODE_LANGUAGES = new Set(['ts', 'js']);

/** The README's blocks that name their file, and the ```ts blocks that do not. */
export function parseReadmeExamples(markdown: string): {
  examples: ReadmeExample[];
  unnamed: UnnamedBlock[];
} {
  const examples: ReadmeExample[] = [];
  const unnamed: UnnamedBlock[] = [];
  for (const match of markdown.matchAll(FENCE)) {
    const [, language = '', body = ''] = match;
    if (!CODE_LANGUAGES.has(language)) continue;
    const line = markdown.slice(0, match.index).split('\n').length;
    const firstLine = body.slice(0, body.indexOf('\n'));
    const path = NAME.exec(firstLine)?.[1];
    if (path !== undefined) examples.push({ path, code: body, line });
    else if (language === 'ts') unnamed.push({ line, firstLine });
  }
  return { examples, unnamed };
}

/** The repository's README.md. */
export const README = new URL('../../README.md', import.meta.url);
/** The repository's root, to resolve an example's `path` against. */
export const REPO_ROOT = new URL('../../', import.meta.url);

/** Reads and parses the repository's README. */
export async function readReadmeExamples(): Promise<ReturnType<typeof parseReadmeExamples>> {
  return parseReadmeExamples(await readFile(README, 'utf8'));
}
