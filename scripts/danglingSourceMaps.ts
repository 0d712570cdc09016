import { posix } from 'node:path';

/** A `sources` entry of a shipped source map that names no file of the package. */
export interface DanglingSource {
  /** The map, as a path inside the package (`dist/index.js.map`). */
  map: string;
  /** The `sources` entry as written in the map. */
  source: string;
}

/**
 * The `sources` entries of the package's source maps that point at no file of the package: a
 * debugger or an editor following them would find nothing.
 *
 * @param files - Every file the tarball holds, as package-relative POSIX paths.
 * @param readMap - Reads a map file (one of `files`) as text.
 * @returns One entry per dangling source; empty when every map resolves.
 * @throws SyntaxError when a map is not JSON.
 */
export function danglingSourceMaps(
  files: readonly string[],
  readMap: (path: string) => string,
): DanglingSource[] {
  const shipped = new Set(files);
  const dangling: DanglingSource[] = [];
  for (const map of files.filter((file) => file.endsWith('.map'))) {
    const { sources = [], sourceRoot = '' } = JSON.parse(readMap(map)) as {
      sources?: string[];
      sourceRoot?: string;
    };
    for (const source of sources) {
      const target = posix.normalize(posix.join(posix.dirname(map), sourceRoot, source));
      if (!shipped.has(target)) dangling.push({ map, source });
    }
  }
  return dangling;
}
