import { readFile, stat } from 'node:fs/promises';
import { extname, basename } from 'node:path';
import { Window } from 'happy-dom';
import { marked } from 'marked';
import { extractFromDom, type DomExtraction } from '../../engine/extract/dom';
import { extractFromPlainText } from '../../engine/extract/plain-text';
import { InputError } from './input-error';

/**
 * Reads a policy file for the CLI and turns it into the same extraction the extension makes from a page: Markdown
 * is rendered to HTML, HTML is parsed by a DOM library and goes through lib/engine/extract/dom.ts, plain text becomes one
 * paragraph per blank-line-separated block.
 */
export { InputError };

export interface LoadedDocument {
  title: string;
  extraction: DomExtraction;
}

const MAX_BYTES = 20 * 1024 * 1024;

export async function loadDocumentFile(path: string): Promise<LoadedDocument> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new InputError(`${path} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read ${path}: no such file`);
  }
  if (size === 0) throw new InputError(`${path} is empty`);
  if (size > MAX_BYTES) throw new InputError(`${path} is larger than ${MAX_BYTES / 1024 / 1024} MB`);
  const bytes = await readFile(path);
  if (bytes.includes(0)) throw new InputError(`${path} looks binary (it contains NUL bytes); give an .html, .md or .txt file`);
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${path} is not valid UTF-8 text`);
  }
  if (source.trim().length === 0) throw new InputError(`${path} holds only white space`);
  return documentFromSource(source, extname(path).toLowerCase(), basename(path));
}

export function documentFromSource(source: string, extension: string, fallbackTitle: string): LoadedDocument {
  if (extension === '.md' || extension === '.markdown') return documentFromHtml(renderMarkdown(source, fallbackTitle), fallbackTitle);
  if (extension === '.html' || extension === '.htm') return documentFromHtml(source, fallbackTitle);
  // Plain text has no DOM: blank lines and bullets make the blocks, as in --jsonl.
  return { title: fallbackTitle, extraction: { ...extractFromPlainText(source), runs: [], links: [] } };
}

export function documentFromHtml(html: string, fallbackTitle: string): LoadedDocument {
  const window = new Window({ settings: { disableJavaScriptEvaluation: true, disableJavaScriptFileLoading: true, disableCSSFileLoading: true } });
  try {
    const doc = new window.DOMParser().parseFromString(html, 'text/html') as unknown as Document;
    const title = titleOf(doc) || fallbackTitle;
    return { title, extraction: extractFromDom(doc.body ?? doc.documentElement) };
  } finally {
    void window.happyDOM.close();
  }
}

const PAGE_CSS = 'body{margin:0;font:17px/1.6 Georgia,serif;color:#1f2328;background:#fff}' +
  'main{max-width:46rem;margin:0 auto;padding:2rem 1.25rem}h1,h2,h3{font-family:system-ui,sans-serif;line-height:1.25}';

/** The page `npm start` serves and the CLI reads for a Markdown policy: one article, the first heading as title. */
export function renderMarkdown(markdown: string, fallbackTitle: string): string {
  const body = marked.parse(markdown, { async: false, gfm: true });
  const heading = marked.lexer(markdown).find((token) => token.type === 'heading') as { text?: string } | undefined;
  const title = heading?.text?.replace(/[*_`[\]]/g, '').trim() || fallbackTitle;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${escapeHtml(title)}</title><style>${PAGE_CSS}</style></head><body><main><article>${body}</article></main></body></html>`;
}

/** The title element, else the first h1. The DOM library recurses on deep trees: a page too deep has no title. */
function titleOf(doc: Document): string {
  try {
    return doc.title.trim() || (doc.querySelector('h1')?.textContent?.trim() ?? '');
  } catch {
    return '';
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
