import { AnnotatedDocumentSchema, type AnnotatedDocument } from '../document/schema';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** The host of the document's URL, reduced to characters that are safe in a file name on every system. */
function safeHost(url: string): string {
  let host = '';
  try {
    host = new URL(url).hostname;
  } catch {
    host = '';
  }
  const safe = host
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 63)
    .replace(/[.-]+$/, '');
  return safe || 'document';
}

/** The day the document was analysed, as YYYY-MM-DD (today's date if the timestamp cannot be read). */
function analysisDate(analyzedAt: string): string {
  const match = ISO_DATE.exec(analyzedAt);
  return match ? match[0] : new Date().toISOString().slice(0, 10);
}

/**
 * The download's file name: `clausemark-<host>-<yyyy-mm-dd>.<extension>` (JSON unless another format's extension is
 * given), lower-case letters, digits, dots and hyphens.
 */
export function exportFileName(doc: AnnotatedDocument, extension = 'json'): string {
  const ext = extension.toLowerCase().replace(/[^a-z0-9]+/g, '') || 'json';
  return `clausemark-${safeHost(doc.document.url)}-${analysisDate(doc.document.analyzedAt)}.${ext}`;
}

/**
 * The JSON export: the annotated document exactly as the export schema describes it, pretty-printed. It is validated
 * first (and unknown keys dropped), so an export never carries something the schema does not promise.
 */
export function toJsonExport(doc: AnnotatedDocument): string {
  const valid = AnnotatedDocumentSchema.parse(doc);
  return `${JSON.stringify(valid, null, 2)}\n`;
}
