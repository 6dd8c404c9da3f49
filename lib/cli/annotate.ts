import { analyze } from '../analyze';
import { looksLikePolicyPage } from '../classify/policy-page';
import { bundledMatcher } from '../dataset/load';
import { buildAnnotatedDocument } from '../export/build';
import type { AnnotatedDocument, ExportedClause } from '../export/schema';
import { extractFromPlainText } from '../extract/plain-text';
import { withProvisions } from '../match/apply';
import { loadDocumentFile } from './load-document';

/** The CLI's pipeline: the extension's, step for step (extract → analyse → export → match). */
export async function annotateFile(path: string, url: string, toolVersion: string): Promise<AnnotatedDocument> {
  const { title, extraction } = await loadDocumentFile(path);
  const doc = await buildAnnotatedDocument({
    text: extraction.text,
    clauses: analyze(extraction),
    url,
    title,
    looksLikePolicy: looksLikePolicyPage(url, title, extraction.text),
    toolVersion,
  });
  return withProvisions(doc, bundledMatcher());
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
