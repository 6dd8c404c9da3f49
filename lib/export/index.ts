import type { AnnotatedDocument } from '../document/schema';
import { toJsonExport } from './json';
import { exportFileName } from './file-name';
import { toCsvExport } from './csv';
import { toMarkdownExport } from './markdown';
import { toWebAnnotationExport } from './web-annotation';

/**
 * Every export format, each a pure function of the annotated document: the popup's Download/Copy and the CLI's
 * `--format` both come through here, so they write the same bytes.
 */
export const EXPORT_FORMAT_IDS = ['json', 'csv', 'md', 'webannotation'] as const;
export type ExportFormatId = (typeof EXPORT_FORMAT_IDS)[number];

export interface ExportFormat {
  id: ExportFormatId;
  /** what a person calls it: "Download CSV" */
  label: string;
  /** one line on what it is for */
  description: string;
  extension: string;
  mimeType: string;
  /** bytes a saved file starts with (a BOM, so spreadsheet apps read the CSV as UTF-8); never on stdout or copy */
  filePrefix: string;
  render(doc: AnnotatedDocument): string;
}

export const EXPORT_FORMATS: Record<ExportFormatId, ExportFormat> = {
  json: {
    id: 'json',
    label: 'JSON',
    description: 'Every clause with its offsets, hashes and selectors, for programs (the documented export schema).',
    extension: 'json',
    mimeType: 'application/json',
    filePrefix: '',
    render: toJsonExport,
  },
  csv: {
    id: 'csv',
    label: 'CSV',
    description: 'One row per clause and one per exception, for a spreadsheet.',
    extension: 'csv',
    mimeType: 'text/csv;charset=utf-8',
    filePrefix: '\ufeff',
    render: toCsvExport,
  },
  md: {
    id: 'md',
    label: 'Markdown',
    description: 'A readable report for a ticket or an email: the summary, then each opt-out and its exceptions.',
    extension: 'md',
    mimeType: 'text/markdown;charset=utf-8',
    filePrefix: '',
    render: toMarkdownExport,
  },
  webannotation: {
    id: 'webannotation',
    label: 'Web Annotation',
    description: 'W3C Web Annotations (JSON-LD) that annotation tools can anchor on the page.',
    extension: 'jsonld',
    mimeType: 'application/ld+json;profile="http://www.w3.org/ns/anno.jsonld"',
    filePrefix: '',
    render: toWebAnnotationExport,
  },
};

export function isExportFormatId(value: string): value is ExportFormatId {
  return (EXPORT_FORMAT_IDS as readonly string[]).includes(value);
}

export function renderExport(doc: AnnotatedDocument, format: ExportFormatId): string {
  return EXPORT_FORMATS[format].render(doc);
}

/** `clausemark-<title>-<host>-<yyyy-mm-dd>.<extension>` for the format (see ./file-name.ts). */
export function formatFileName(doc: AnnotatedDocument, format: ExportFormatId): string {
  return exportFileName(doc, EXPORT_FORMATS[format].extension);
}
