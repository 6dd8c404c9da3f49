import { analyze } from '../../engine/analyze';
import { looksLikePolicyPage } from '../../engine/classify/policy-page';
import { bundledMatcher } from '../../knowledge/dataset/load';
import { buildAnnotatedDocument } from '../../document/build';
import type { AnnotatedDocument, ExportedClause } from '../../document/schema';
import { extractFromPlainText } from '../../engine/extract/plain-text';
import { withProvisions } from '../../knowledge/match/apply';
import { loadDocumentFile } from './load-document';

/** The CLI's pipeline: the extension's, step for step (extract → analyse → export → match). */
export async function annotateFile(path: string, url: string, toolVersion: string): Promise<AnnotatedDocument> {
  return (await annotateFileWithText(path, url, toolVersion)).document;
}

/** The same, with the extracted text the offsets index (the evaluation locates labelled quotes in it). */
export async function annotateFileWithText(path: string, url: string, toolVersion: string): Promise<{ document: AnnotatedDocument; text: string }> {
  const { title, extraction } = await loadDocumentFile(path);
  const doc = await buildAnnotatedDocument({
    text: extraction.text,
    clauses: analyze(extraction),
    url,
    title,
    looksLikePolicy: looksLikePolicyPage(url, title, extraction.text),
    toolVersion,
  });
  return { document: withProvisions(doc, bundledMatcher(), extraction.text), text: extraction.text };
}

/** One plain-text segment (the --jsonl mode): its clauses only. */
export async function annotateText(text: string, toolVersion: string): Promise<ExportedClause[]> {
  const extraction = extractFromPlainText(text);
  const doc = await buildAnnotatedDocument({
    text,
    clauses: analyze(extraction),
    url: '',
    title: '',
    looksLikePolicy: true,
    toolVersion,
  });
  return withProvisions(doc, bundledMatcher()).clauses;
}
