import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { danglingSourceMaps } from '../../scripts/danglingSourceMaps.js';
import { packFiles } from '../../scripts/packedFiles.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A source map naming `sources`, as tsc writes one. */
const mapOf = (...sources: string[]) => JSON.stringify({ version: 3, sources, mappings: '' });

describe('danglingSourceMaps', () => {
  it('resolves sources relative to the map and its sourceRoot', () => {
    const maps: Record<string, string> = {
      'dist/a.js.map': mapOf('../src/a.ts'),
      'dist/sub/b.d.ts.map': JSON.stringify({ sourceRoot: '../', sources: ['../src/sub/b.ts'] }),
    };
    const files = ['dist/a.js', 'src/a.ts', 'src/sub/b.ts', ...Object.keys(maps)];
    expect(danglingSourceMaps(files, (path) => maps[path] ?? '')).toEqual([]);
  });

  it('names each source that the package does not hold', () => {
    const maps: Record<string, string> = {
      'dist/a.js.map': mapOf('../src/a.ts', '../src/gone.ts'),
      'dist/b.js.map': mapOf('../../outside.ts'),
    };
    expect(
      danglingSourceMaps(['src/a.ts', ...Object.keys(maps)], (path) => maps[path] ?? ''),
    ).toEqual([
      { map: 'dist/a.js.map', source: '../src/gone.ts' },
      { map: 'dist/b.js.map', source: '../../outside.ts' },
    ]);
  });
});

describe('the packed package', () => {
  // What `npm pack` would put in the tarball from the built tree (`npm test` builds first).
  const { files } = packFiles(ROOT);

  it('ships the licence, the readme, the built entries and the sources their maps name', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts']));
    expect(files.filter((file) => file.endsWith('.map')).length).toBeGreaterThan(100);
    const dangling = danglingSourceMaps(files, (path) => readFileSync(ROOT + path, 'utf8'));
    expect(dangling).toEqual([]);
  });

  it('ships no test, bench, example or build-cache file', () => {
    const stray = files.filter(
      (file) =>
        !/^(dist|src)\//.test(file) && !['LICENSE', 'README.md', 'package.json'].includes(file),
    );
    expect(stray).toEqual([]);
    expect(files.filter((file) => file.endsWith('.tsbuildinfo'))).toEqual([]);
  });
});
