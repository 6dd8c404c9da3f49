import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { annotateFileWithText } from '../../lib/node/cli/annotate';
import { toWebAnnotationCollection, type AnnotationCollection } from '../../lib/export/web-annotation';
import { annotationModelProblems } from './web-annotation-model';

/**
 * The Web Annotation export re-anchors: in every document, each annotation's TextPositionSelector and
 * TextQuoteSelector select the same characters of the extracted text, and the quote with its context is found
 * there by text alone. Checked on the documents in tests/fixtures/policies always, and on every corpus document
 * beside the repository (../shared/corpus/policies) when it is there. Documents are read as the CLI reads them.
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixturesDir = join(repoRoot, 'tests/fixtures/policies');
const corpusDir = join(repoRoot, '..', 'shared', 'corpus', 'policies');
const corpusPresent = existsSync(corpusDir);
const policyFiles = (dir: string) => readdirSync(dir).filter((name) => /\.(?:md|html?|txt)$/.test(name) && name === name.toLowerCase() && !/^source/i.test(name)).sort();

interface Checked {
  annotations: number;
  problems: string[];
}

/** Where the quote and its context occur in the text: every start offset whose prefix, exact and suffix fit. */
function placesOf(text: string, quote: { exact: string; prefix: string; suffix: string }): number[] {
  const places: number[] = [];
  for (let at = text.indexOf(quote.exact); at >= 0; at = text.indexOf(quote.exact, at + 1)) {
    if (text.slice(0, at).endsWith(quote.prefix) && text.startsWith(quote.suffix, at + quote.exact.length)) places.push(at);
  }
  return places;
}

/** Every way an annotation's two selectors could disagree, or fail to re-anchor, in the document's text. */
function selectorProblems(collection: AnnotationCollection, text: string): string[] {
  const problems: string[] = [];
  for (const item of collection.first.items) {
    const [quote, position] = item.target.selector;
    const id = item.id.split('#')[1];
    if (text.slice(position.start, position.end) !== quote.exact) {
      problems.push(`${id}: position [${position.start}, ${position.end}) selects ${position.end - position.start} characters, the quote has ${quote.exact.length}`);
    }
    if (!text.slice(0, position.start).endsWith(quote.prefix)) problems.push(`${id}: prefix is not the text before the position`);
    if (!text.startsWith(quote.suffix, position.end)) problems.push(`${id}: suffix is not the text after the position`);
    if (quote.suffix === '' && position.end < text.length) problems.push(`${id}: empty suffix before the end of the text`);
    if (quote.prefix === '' && position.start > 0) problems.push(`${id}: empty prefix after the start of the text`);
    if (!placesOf(text, quote).includes(position.start)) problems.push(`${id}: the quote and its context are not found at the position`);
  }
  return problems;
}

async function check(file: string): Promise<Checked> {
  const { document, text } = await annotateFileWithText(file, 'https://example.com/policy', '0.1.0');
  const collection = JSON.parse(JSON.stringify(toWebAnnotationCollection(document))) as AnnotationCollection;
  return {
    annotations: collection.first.items.length,
    problems: [...selectorProblems(collection, text), ...annotationModelProblems(collection)],
  };
}

describe('Web Annotation selectors: positions and quotes select the same text', () => {
  it.each(policyFiles(fixturesDir))('fixture %s', async (name) => {
    const { annotations, problems } = await check(join(fixturesDir, name));
    expect(annotations).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  }, 120_000);

  it('every corpus document (../shared/corpus/policies)', async () => {
    if (!corpusPresent) {
      console.warn(`web-annotation test: ${corpusDir} not found; skipped the corpus documents, checked only tests/fixtures/policies`);
      return;
    }
    const names = policyFiles(corpusDir);
    const failing: Record<string, string[]> = {};
    let annotations = 0;
    for (const name of names) {
      const checked = await check(join(corpusDir, name));
      annotations += checked.annotations;
      if (checked.problems.length > 0) failing[name] = checked.problems.slice(0, 5);
    }
    console.info(`web-annotation test: ${names.length} corpus documents, ${annotations} annotations checked`);
    expect(names.length).toBeGreaterThanOrEqual(38);
    expect(annotations).toBeGreaterThan(1000);
    expect(failing).toEqual({});
  }, 900_000);
});
