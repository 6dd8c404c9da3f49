import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * lib/ is built in rings (README "How it works", each ring's README): an inner ring never imports an outer one.
 *   engine ← document ← knowledge ← pipeline.ts, export ← extension, node
 * Nothing in lib/ imports components/, entrypoints/, scripts/ or tests/, and the rings that run everywhere (up to
 * the pipeline and the export formats) import no browser or Node-only package.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LIB = join(ROOT, 'lib');

const ALLOWED: Record<string, string[]> = {
  engine: ['engine'],
  document: ['engine', 'document'],
  knowledge: ['engine', 'document', 'knowledge'],
  pipeline: ['engine', 'document', 'knowledge'],
  export: ['engine', 'document', 'export'],
  extension: ['engine', 'document', 'knowledge', 'pipeline', 'export', 'extension'],
  node: ['engine', 'document', 'knowledge', 'pipeline', 'export', 'node'],
};
/** Packages only the outer rings may use: the browser's, the database's, Node's own. */
const OUTER_ONLY_PACKAGE = /^(?:wxt|webextension-polyfill|dexie|node:|marked|happy-dom|papaparse)/;
const EVERYWHERE = new Set(['engine', 'document', 'knowledge', 'pipeline', 'export']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

function ringOf(file: string): string {
  const [first] = relative(LIB, file).split(sep);
  return first === 'pipeline.ts' ? 'pipeline' : first!;
}

/** Every module specifier a file imports or re-exports, static or dynamic (type-only imports count too). */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm)) specifiers.push(match[2]!);
  return specifiers;
}

describe('lib/ rings', () => {
  const files = filesUnder(LIB);

  it('every file sits in a known ring', () => {
    expect(files.map(ringOf).filter((ring) => !(ring in ALLOWED))).toEqual([]);
  });

  it('no import runs back up a ring, or out of lib/', () => {
    const violations: string[] = [];
    for (const file of files) {
      const ring = ringOf(file);
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        const where = relative(ROOT, file);
        if (specifier.startsWith('.') || specifier.startsWith('@/')) {
          const target = specifier.startsWith('@/') ? join(ROOT, specifier.slice(2)) : normalize(join(dirname(file), specifier));
          const fromRoot = relative(ROOT, target);
          if (!fromRoot.startsWith(`lib${sep}`)) {
            violations.push(`${where} imports ${specifier}, outside lib/`);
            continue;
          }
          const targetRing = ringOf(target.endsWith('pipeline') ? `${target}.ts` : target);
          if (!ALLOWED[ring]!.includes(targetRing)) violations.push(`${where} (${ring}) imports ${specifier} (${targetRing})`);
        } else if (EVERYWHERE.has(ring) && OUTER_ONLY_PACKAGE.test(specifier)) {
          violations.push(`${where} (${ring}) imports the package ${specifier}, which only extension/ or node/ may use`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('each ring says what lives there and what it may import', () => {
    const rings = readdirSync(LIB).filter((name) => statSync(join(LIB, name)).isDirectory());
    for (const ring of rings) {
      expect(readFileSync(join(LIB, ring, 'README.md'), 'utf8'), ring).toMatch(/may import/i);
    }
  });
});
