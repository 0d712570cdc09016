import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;

/** Every built file an entry reaches through its static and literal dynamic imports, and every package it names. */
function importGraph(entry: string): { files: string[]; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const pending = [resolve(DIST, entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? '';
      if (specifier.startsWith('.')) pending.push(join(dirname(file), specifier));
      else if (!specifier.startsWith('node:')) packages.add(specifier.split('/')[0] ?? specifier);
    }
  }
  return { files: [...seen].map((file) => relative(DIST, file)), packages };
}

describe('entry points', () => {
  it('keeps prom-client, the dashboard and the inspection tools out of the root entry', () => {
    const root = importGraph('index.js');
    expect(root.files).toContain('index.js');
    expect(root.files.length).toBeGreaterThan(20); // the walk follows the imports
    expect(root.files.filter((file) => file.startsWith('dashboard/'))).toEqual([]);
    expect(root.files.filter((file) => file.startsWith('inspect/'))).toEqual([]);
    expect([...root.packages].sort()).toEqual(['rxjs', 'uuid', 'xstate']);
  });

  it('loads prom-client only from the dashboard entry', () => {
    expect(importGraph('dashboard/index.js').packages).toContain('prom-client');
    expect(importGraph('inspect/index.js').packages).not.toContain('prom-client');
  });

  it('maps every entry of package.json to a built file', () => {
    const manifest = JSON.parse(readFileSync(join(DIST, '..', 'package.json'), 'utf8')) as {
      exports: Record<string, string | { types: string; default: string }>;
    };
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === 'string') continue;
      expect(() => readFileSync(join(DIST, '..', target.default)), subpath).not.toThrow();
      expect(() => readFileSync(join(DIST, '..', target.types)), subpath).not.toThrow();
    }
  });
});
