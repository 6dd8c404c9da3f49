import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJsonSchema, exportSchemaMarkdown } from '../../lib/node/schema-docs';
import { textFragmentLink, textQuoteSelector } from '../../lib/document/selectors';

const docs = join(import.meta.dirname, '..', '..', 'docs');

describe('documented export schema', () => {
  it('docs/export-schema.json is what the zod schema generates (run npm run docs:schema)', () => {
    expect(JSON.parse(readFileSync(join(docs, 'export-schema.json'), 'utf8'))).toEqual(exportJsonSchema());
  });

  it('docs/export-schema.md is what the zod schema generates (run npm run docs:schema)', () => {
    expect(readFileSync(join(docs, 'export-schema.md'), 'utf8')).toBe(exportSchemaMarkdown());
  });
});

describe('selectors and links', () => {
  const text = 'Intro.\n\nWe may use your Inputs and Outputs to train and improve Anthropic AI models, unless you opt out. End.';
  const start = text.indexOf('We may');
  const end = text.indexOf(' End.');

  it('a TextQuoteSelector with the text and its context as they stand, white space included', () => {
    expect(textQuoteSelector(text, start, end)).toEqual({
      type: 'TextQuoteSelector',
      exact: 'We may use your Inputs and Outputs to train and improve Anthropic AI models, unless you opt out.',
      prefix: 'Intro.\n\n',
      suffix: ' End.',
    });
    const wrapped = 'Intro.\n\nWe may use\n  your Inputs.';
    expect(textQuoteSelector(wrapped, 8, wrapped.length).exact).toBe('We may use\n  your Inputs.');
  });

  it('a text-fragment link folds the quote\'s white space', () => {
    expect(textFragmentLink('https://example.com/p', 'We may use\n  your Inputs.')).toBe('https://example.com/p#:~:text=We%20may%20use%20your%20Inputs.');
  });

  it('a text-fragment link with start and end words, reserved characters escaped, old hash dropped', () => {
    const link = textFragmentLink('https://example.com/privacy#top', 'We may use your Inputs-and-Outputs, to train and improve the models, unless you opt out.');
    expect(link).toBe('https://example.com/privacy#:~:text=We%20may%20use%20your%20Inputs%2Dand%2DOutputs%2C,models%2C%20unless%20you%20opt%20out.');
  });
});
