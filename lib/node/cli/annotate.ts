import { extractFromPlainText } from '../../engine/extract/plain-text';
import type { AnnotatedDocument, ExportedClause } from '../../document/schema';
import { bundledMatcher } from '../../knowledge/dataset/load';
import { annotate, annotateClauses } from '../../pipeline';

/** The CLI on a file: lib/pipeline.ts, the extension's own stages, with the bundled provision dataset. */
export async function annotateFile(path: string, url: string, toolVersion: string): Promise<AnnotatedDocument> {
  return (await annotateFileWithText(path, url, toolVersion)).document;
}

/** The same, with the extracted text the offsets index (the evaluation locates labelled quotes in it). */
export async function annotateFileWithText(path: string, url: string, toolVersion: string): Promise<{ document: AnnotatedDocument; text: string }> {
  // Loaded on first use: the HTML and Markdown readers are a large part of the bundle, and --jsonl never needs them.
  const { loadDocumentFile } = await import('./load-document');
  const { title, extraction } = await loadDocumentFile(path);
  const document = await annotate({ extraction, url, title, toolVersion, matcher: bundledMatcher() });
  return { document, text: extraction.text };
}

/** One plain-text segment (the --jsonl mode): its clauses only. */
export async function annotateText(text: string): Promise<ExportedClause[]> {
  return annotateClauses({ extraction: extractFromPlainText(text), url: '', matcher: bundledMatcher() });
}
