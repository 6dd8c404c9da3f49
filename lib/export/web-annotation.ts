import type { AnnotatedDocument, ExportedClause, ExceptionSpan } from '../document/schema';
import { MECHANISM_NAMES } from '../engine/model/topics';
import { textFragmentLink } from '../document/selectors';

/**
 * The W3C Web Annotation export (JSON-LD, https://www.w3.org/TR/annotation-model/): an AnnotationCollection whose
 * first page holds one Annotation per clause and one per exception. Each targets the document with a
 * TextQuoteSelector and a TextPositionSelector (offsets into the extracted text, as in the JSON export); the target
 * carries the text-fragment link (`#:~:text=`) as its id, the address that opens the page at the text.
 */
export const ANNO_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';
/** Context either side of a quote, as lib/document/selectors.ts takes it for clauses. */
const CONTEXT = 32;

export interface TextQuoteSelector {
  type: 'TextQuoteSelector';
  exact: string;
  prefix: string;
  suffix: string;
}
export interface TextPositionSelector {
  type: 'TextPositionSelector';
  start: number;
  end: number;
}
export interface TextualBody {
  type: 'TextualBody';
  value: string;
  format: 'text/plain';
  purpose: 'describing' | 'tagging';
}
export interface WebAnnotation {
  id: string;
  type: 'Annotation';
  motivation: 'describing' | 'highlighting';
  created: string;
  generator: { type: 'Software'; name: string };
  body?: TextualBody[];
  target: {
    id: string;
    type: 'SpecificResource';
    source: string;
    selector: [TextQuoteSelector, TextPositionSelector];
  };
}
export interface AnnotationCollection {
  '@context': typeof ANNO_CONTEXT;
  id: string;
  type: 'AnnotationCollection';
  label: string;
  total: number;
  generator: { type: 'Software'; name: string };
  generated: string;
  first: { id: string; type: 'AnnotationPage'; startIndex: 0; items: WebAnnotation[] };
}

/** A stable urn:uuid (RFC 9562 version 8) for the document's text: its bits are the text's SHA-256. */
function documentUuid(sha256: string): string {
  const hex = sha256.slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `urn:uuid:${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

function joinContext(outer: string, inner: string, outerFirst: boolean): string {
  if (outer === '' || inner === '') return outer + inner;
  return outerFirst ? `${outer} ${inner}` : `${inner} ${outer}`;
}

/**
 * The exception's TextQuoteSelector, from its clause: the exception's text sits inside the clause's (both are
 * whitespace-normalized), and the clause's own selector gives the context beyond the clause. A clause starts and
 * ends at a sentence, list item or block boundary, so a space stands for what separates it from its context.
 */
export function exceptionQuoteSelector(clause: ExportedClause, exception: ExceptionSpan): TextQuoteSelector {
  const exact = exception.text;
  // Normalizing only shortens text, so the exception sits at or before its raw offset within the clause.
  const rawOffset = exception.start - clause.start;
  let at = clause.text.lastIndexOf(exact, rawOffset);
  if (at < 0) at = clause.text.indexOf(exact);
  if (at < 0) return { type: 'TextQuoteSelector', exact, prefix: '', suffix: '' };
  const before = clause.text.slice(0, at).trimEnd();
  const after = clause.text.slice(at + exact.length).trimStart();
  const prefix = before.length >= CONTEXT ? before : joinContext(clause.selector.prefix, before, true);
  const suffix = after.length >= CONTEXT ? after : joinContext(clause.selector.suffix, after, false);
  return {
    type: 'TextQuoteSelector',
    exact,
    prefix: prefix.slice(-CONTEXT).trimStart(),
    suffix: suffix.slice(0, CONTEXT).trimEnd(),
  };
}

function clauseDescription(clause: ExportedClause): string | null {
  const lines: string[] = [];
  if (clause.optOut) {
    const target = clause.optOut.target ? `: ${clause.optOut.target}` : '';
    lines.push(`Opt-out offer. You can opt out ${MECHANISM_NAMES[clause.optOut.mechanism]}${target}.`);
  }
  if (clause.exceptions.length > 0) {
    lines.push('Still happens after you opt out:', ...clause.exceptions.map((exception) => `- ${exception.plain}`));
  }
  if (lines.length === 0) lines.push(...clause.why);
  return lines.length > 0 ? lines.join('\n') : null;
}

function tags(values: string[]): TextualBody[] {
  return values.map((value) => ({ type: 'TextualBody', value, format: 'text/plain', purpose: 'tagging' }));
}

export function toWebAnnotationCollection(doc: AnnotatedDocument): AnnotationCollection {
  const info = doc.document;
  const collectionId = documentUuid(info.sha256);
  const generator = { type: 'Software' as const, name: `${info.tool.name} ${info.tool.version}` };
  const annotation = (
    id: string,
    description: string | null,
    tagValues: string[],
    link: string,
    quote: TextQuoteSelector,
    start: number,
    end: number,
  ): WebAnnotation => ({
    id: `${collectionId}#${id}`,
    type: 'Annotation',
    motivation: description === null ? 'highlighting' : 'describing',
    created: info.analyzedAt,
    generator,
    body: [
      ...(description === null ? [] : [{ type: 'TextualBody' as const, value: description, format: 'text/plain' as const, purpose: 'describing' as const }]),
      ...tags(tagValues),
    ],
    target: {
      id: link,
      type: 'SpecificResource',
      source: info.url,
      selector: [quote, { type: 'TextPositionSelector', start, end }],
    },
  });

  const items: WebAnnotation[] = [];
  for (const clause of doc.clauses) {
    items.push(
      annotation(clause.id, clauseDescription(clause), [clause.topic, ...clause.labels], clause.link, clause.selector, clause.start, clause.end),
    );
    clause.exceptions.forEach((exception, index) => {
      items.push(
        annotation(
          `${clause.id}-x${index + 1}`,
          `Still happens after you opt out: ${exception.plain}`,
          [clause.topic, 'exception'],
          textFragmentLink(info.url, exception.text),
          exceptionQuoteSelector(clause, exception),
          exception.start,
          exception.end,
        ),
      );
    });
  }
  return {
    '@context': ANNO_CONTEXT,
    id: collectionId,
    type: 'AnnotationCollection',
    label: `Clausemark: ${info.title.trim() || info.url}`,
    total: items.length,
    generator,
    generated: info.analyzedAt,
    first: { id: `${collectionId}#page-1`, type: 'AnnotationPage', startIndex: 0, items },
  };
}

export function toWebAnnotationExport(doc: AnnotatedDocument): string {
  return `${JSON.stringify(toWebAnnotationCollection(doc), null, 2)}\n`;
}
