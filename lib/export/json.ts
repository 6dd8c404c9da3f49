import { AnnotatedDocumentSchema, type AnnotatedDocument } from '../document/schema';

/** The file name lives in ./file-name.ts; kept here too for the callers that import it from the JSON export. */
export { exportFileName } from './file-name';

/**
 * The JSON export: the annotated document exactly as the export schema describes it, pretty-printed. It is validated
 * first (and unknown keys dropped), so an export never carries something the schema does not promise.
 */
export function toJsonExport(doc: AnnotatedDocument): string {
  const valid = AnnotatedDocumentSchema.parse(doc);
  return `${JSON.stringify(valid, null, 2)}\n`;
}
