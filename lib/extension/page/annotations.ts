import type { AnnotatedDocument, ExceptionSpan, ExportedClause } from '../../document/schema';
import { TOPIC_NAMES, type Topic } from '../../engine/model/topics';
import { EXCEPTION_KIND_TITLES, exceptionReason, howReason, offerReason } from '../../engine/reasons';
import { plural } from '../../engine/text/format';
import type { CardContent } from './hover-card';
import type { Span } from './highlighter';

/** One painted span: an opt-out offer or one of its exceptions, with the clause it belongs to. */
export interface Annotation {
  span: Span;
  kind: 'opt-out' | 'exception';
  clause: ExportedClause;
  /** the exception itself, for an exception span */
  exception: ExceptionSpan | null;
}

/** What the page paints: every opt-out and its exceptions, except in topics the person chose not to highlight. */
export function annotationsOf(doc: AnnotatedDocument, hiddenTopics: readonly Topic[]): Annotation[] {
  const hidden = new Set(hiddenTopics);
  const annotations: Annotation[] = [];
  for (const clause of doc.clauses) {
    // Topics the person chose not to highlight are neither painted nor hoverable; the popup still lists them.
    if (clause.optOut === null || hidden.has(clause.topic)) continue;
    annotations.push({ span: clause.optOut, kind: 'opt-out', clause, exception: null });
    for (const exception of clause.exceptions) annotations.push({ span: exception, kind: 'exception', clause, exception });
  }
  return annotations;
}

/** The hover card's words, from the clause's structured findings (lib/engine/reasons.ts). */
export function cardContent(item: Annotation): CardContent {
  const { clause } = item;
  const topic = TOPIC_NAMES[clause.topic];
  if (item.exception !== null) {
    // The card speaks of the hovered exception alone, titled by its kind.
    return {
      kind: 'exception',
      title: EXCEPTION_KIND_TITLES[item.exception.kind],
      lines: [item.exception.plain, `About: ${topic}.`],
      why: [exceptionReason(item.exception)],
    };
  }
  const lines = [`You can opt out of ${topic}.`];
  if (clause.optOut) lines.push(howReason(clause.optOut));
  const count = clause.exceptions.length;
  if (count > 0) lines.push(`But ${plural(count, 'exception')} still appl${count > 1 ? 'y' : 'ies'} after you opt out.`);
  // A promise's provision has no severity: it is never a concern.
  if (clause.provision) lines.push(clause.provision.severity ? `${clause.provision.title} · ${clause.provision.severity} severity` : clause.provision.title);
  return { kind: 'opt-out', title: 'Opt-out offer', lines, why: clause.optOut ? [offerReason(clause.optOut)] : [] };
}
