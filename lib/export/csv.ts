import type { AnnotatedDocument, ExportedClause } from '../document/schema';
import { MECHANISM_NAMES } from '../engine/model/topics';
import { textFragmentLink } from '../document/selectors';
import { DEFAULT_WORDS, EXCEPTION_KIND_WORDS, topicTitle } from './words';

/**
 * The CSV export: one row per clause and one row per exception (`row_type`), for spreadsheets and data tools.
 * People read `topic`, `default` and `exception_kind` in words; `topic_id`, `labels` and `mechanism` keep the stable
 * ids for programs.
 * RFC 4180: comma-separated, every field in double quotes (quotes doubled), CRLF line ends, a header row.
 * Page text is hostile input to a spreadsheet, so every cell that a spreadsheet would read as a formula gets a
 * leading apostrophe (OWASP "CSV injection").
 */
export const CSV_COLUMNS = [
  'id',
  'row_type',
  'clause_id',
  'topic',
  'topic_id',
  'labels',
  'mechanism',
  'target',
  'default',
  'exception_kind',
  'text',
  'plain',
  'start',
  'end',
  'sha256',
  'provision_id',
  'provision_title',
  'provision_severity',
  'provision_match',
  'link',
  'document_url',
  'captured_at',
  'document_sha256',
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<CsvColumn, string | number | null>>;

/** Characters that start a formula in Excel, LibreOffice or Google Sheets (and their full-width twins). */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/** A cell a spreadsheet shows as text: formula starters defused with an apostrophe, then RFC 4180 quoting. */
export function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  const defused = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${defused.replace(/"/g, '""')}"`;
}

/** The id of an exception row: its clause's id and its place in the clause ("c7-e2e40c7d-x1"). */
export function exceptionRowId(clause: ExportedClause, index: number): string {
  return `${clause.id}-x${index + 1}`;
}

/**
 * Whether it happens by default, in words: the clause's own opt-out says so, else the summary of its topic; a clause
 * the text leaves open reads "Not stated" rather than an empty cell.
 */
function defaultWords(doc: AnnotatedDocument, clause: ExportedClause): string {
  const regime = clause.optOut?.default ?? doc.summary.topics.find((topic) => topic.topic === clause.topic)?.default ?? 'unknown';
  return DEFAULT_WORDS[regime];
}

function clauseRows(doc: AnnotatedDocument, clause: ExportedClause): Row[] {
  const common: Row = {
    clause_id: clause.id,
    topic: topicTitle(clause.topic),
    topic_id: clause.topic,
    default: defaultWords(doc, clause),
    document_url: doc.document.url,
    captured_at: doc.document.analyzedAt,
    document_sha256: doc.document.sha256,
  };
  const { optOut, provision } = clause;
  const rows: Row[] = [
    {
      ...common,
      id: clause.id,
      row_type: 'clause',
      labels: clause.labels.join(' '),
      mechanism: optOut?.mechanism,
      target: optOut?.target,
      text: clause.text,
      plain: optOut ? `You can opt out ${MECHANISM_NAMES[optOut.mechanism]}${optOut.target ? `: ${optOut.target}` : ''}` : '',
      start: clause.start,
      end: clause.end,
      sha256: clause.sha256,
      provision_id: provision?.id,
      provision_title: provision?.title,
      provision_severity: provision?.severity,
      provision_match: provision?.match,
      link: clause.link,
    },
  ];
  clause.exceptions.forEach((exception, index) => {
    rows.push({
      ...common,
      id: exceptionRowId(clause, index),
      row_type: 'exception',
      labels: 'exception',
      exception_kind: EXCEPTION_KIND_WORDS[exception.kind],
      text: exception.text,
      plain: exception.plain,
      start: exception.start,
      end: exception.end,
      link: textFragmentLink(doc.document.url, exception.text),
    });
  });
  return rows;
}

export function toCsvExport(doc: AnnotatedDocument): string {
  const lines = [CSV_COLUMNS.map(csvCell).join(',')];
  for (const clause of doc.clauses) {
    for (const row of clauseRows(doc, clause)) lines.push(CSV_COLUMNS.map((column) => csvCell(row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
