import type { AnnotatedDocument, ExportedClause, ExceptionSpan } from '../document/schema';
import { MECHANISM_NAMES } from '../engine/model/topics';
import { textFragmentLink } from '../document/selectors';
import { EXCEPTION_KIND_WORDS } from './words';

/**
 * The W3C Web Annotation export (JSON-LD, https://www.w3.org/TR/annotation-model/): an AnnotationCollection whose
 * one page holds one Annotation per clause and one per exception. Each targets the document with a
 * TextQuoteSelector and a TextPositionSelector that select the same characters of the extracted text (the JSON
 * export's offsets): `exact` is the text between the offsets as it stands, and `prefix`/`suffix` are its raw
 * neighbours. The target carries the text-fragment link (`#:~:text=`) as its id, the address that opens the page at
 * the text. The annotations are made by software, so the software is their creator as well as their generator.
 */
export const ANNO_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';
/** Context either side of a quote, as lib/document/selectors.ts takes it for clauses. */
const CONTEXT = 32;
/** The language of the bodies Clausemark writes (its descriptions and tags are English). */
const BODY_LANGUAGE = 'en';

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
export interface SoftwareAgent {
  id: string;
  type: 'Software';
  name: string;
}
export interface TextualBody {
  type: 'TextualBody';
  value: string;
  format: 'text/plain';
  language: string;
  purpose: 'describing' | 'tagging';
  creator: SoftwareAgent;
  created: string;
}
export interface WebAnnotation {
  id: string;
  type: 'Annotation';
  motivation: 'describing' | 'highlighting';
  creator: SoftwareAgent;
  created: string;
  generator: SoftwareAgent;
  generated: string;
  body?: TextualBody[];
  target: {
    id: string;
    type: 'SpecificResource';
    source: string;
    selector: [TextQuoteSelector, TextPositionSelector];
  };
}
export interface AnnotationPage {
  id: string;
  type: 'AnnotationPage';
  partOf: string;
  startIndex: 0;
  items: WebAnnotation[];
}
export interface AnnotationCollection {
  '@context': typeof ANNO_CONTEXT;
  id: string;
  type: 'AnnotationCollection';
  label: string;
  total: number;
  creator: SoftwareAgent;
  generator: SoftwareAgent;
  generated: string;
  first: AnnotationPage;
  last: string;
}

/** A stable urn:uuid (RFC 9562 version 8) for the document's text: its bits are the text's SHA-256. */
function documentUuid(sha256: string): string {
  const hex = sha256.slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `urn:uuid:${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/**
 * The software as an agent with an IRI: a tag URI (RFC 4151) under the extension's own name, one per version, so
 * a client can tell which version wrote an annotation without any address having to resolve.
 */
export function softwareAgent(tool: { name: string; version: string }): SoftwareAgent {
  const version = tool.version.replace(/[^0-9A-Za-z.+-]+/g, '-') || 'unknown';
  return { id: `tag:clausemark.org,2026:software/${version}`, type: 'Software', name: `${tool.name} ${tool.version}` };
}

/** The clause's quote carries the raw text from `start` to `end` (analyses stored before that carry it folded). */
function hasRawQuote(clause: ExportedClause): boolean {
  return clause.selector.exact.length === clause.end - clause.start;
}

/**
 * The exception's TextQuoteSelector: its own when the analysis recorded one; else cut from its clause's, whose quote
 * and context are the raw text from `start - prefix.length` to `end + suffix.length`, so an exception inside the
 * clause has its quote and up to 32 characters either side in that window.
 */
export function exceptionQuoteSelector(clause: ExportedClause, exception: ExceptionSpan): TextQuoteSelector {
  if (exception.selector && exception.selector.exact.length === exception.end - exception.start) return exception.selector;
  const inside = exception.start >= clause.start && exception.end <= clause.end;
  if (!inside || !hasRawQuote(clause)) return foldedExceptionQuote(clause, exception);
  const { prefix, exact, suffix } = clause.selector;
  const window = prefix + exact + suffix;
  const windowStart = clause.start - prefix.length;
  const from = exception.start - windowStart;
  const to = exception.end - windowStart;
  return {
    type: 'TextQuoteSelector',
    exact: window.slice(from, to),
    prefix: window.slice(Math.max(0, from - CONTEXT), from),
    suffix: window.slice(to, to + CONTEXT),
  };
}

/** For an analysis stored with folded quotes: the exception's folded text, with the context its clause gives. */
function foldedExceptionQuote(clause: ExportedClause, exception: ExceptionSpan): TextQuoteSelector {
  const exact = exception.text;
  const at = clause.text.indexOf(exact);
  if (at < 0) return { type: 'TextQuoteSelector', exact, prefix: '', suffix: '' };
  const before = `${clause.selector.prefix} ${clause.text.slice(0, at)}`;
  const after = `${clause.text.slice(at + exact.length)} ${clause.selector.suffix}`;
  return { type: 'TextQuoteSelector', exact, prefix: before.trimEnd().slice(-CONTEXT), suffix: after.trimStart().slice(0, CONTEXT) };
}

function clauseDescription(clause: ExportedClause): string | null {
  const lines: string[] = [];
  if (clause.optOut) {
    const target = clause.optOut.target ? `: ${clause.optOut.target}` : '';
    lines.push(`Opt-out offer. You can opt out ${MECHANISM_NAMES[clause.optOut.mechanism]}${target}.`);
  }
  if (clause.exceptions.length > 0) {
    lines.push(
      'Limits of this opt-out:',
      ...clause.exceptions.map((exception) => `- ${exception.plain} (${EXCEPTION_KIND_WORDS[exception.kind].toLowerCase()})`),
    );
  }
  if (lines.length === 0) lines.push(...clause.why);
  return lines.length > 0 ? lines.join('\n') : null;
}

export function toWebAnnotationCollection(doc: AnnotatedDocument): AnnotationCollection {
  const info = doc.document;
  const collectionId = documentUuid(info.sha256);
  const pageId = `${collectionId}#page-1`;
  const software = softwareAgent(info.tool);
  const created = info.analyzedAt;
  const body = (value: string, purpose: TextualBody['purpose']): TextualBody => ({
    type: 'TextualBody',
    value,
    format: 'text/plain',
    language: BODY_LANGUAGE,
    purpose,
    creator: software,
    created,
  });
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
    creator: software,
    created,
    generator: software,
    generated: created,
    body: [...(description === null ? [] : [body(description, 'describing')]), ...tagValues.map((value) => body(value, 'tagging'))],
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
          `${EXCEPTION_KIND_WORDS[exception.kind]}: ${exception.plain}`,
          [clause.topic, 'exception', exception.kind],
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
    creator: software,
    generator: software,
    generated: created,
    // One page holds every annotation: it is the first and the last, and says which collection it belongs to.
    first: { id: pageId, type: 'AnnotationPage', partOf: collectionId, startIndex: 0, items },
    last: pageId,
  };
}

export function toWebAnnotationExport(doc: AnnotatedDocument): string {
  return `${JSON.stringify(toWebAnnotationCollection(doc), null, 2)}\n`;
}
