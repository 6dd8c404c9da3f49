import type { ExceptionKind } from '../engine/model/analysis';
import type { ExportedClause, ProvisionMatch, Severity } from './schema';

/**
 * Severity, by the one written rubric (docs/severity.md; in brief in lib/document/README.md).
 *
 * A clause's severity is its provision type's (the dataset's rubric: what the practice is), shown only when the
 * match is sure enough. A topic's concern is the highest of its clauses', one step lower when the page lets you stop
 * it entirely (an opt-out whose exceptions do not keep it going) or when it only happens with your consent. The
 * document's overall grade counts the topics of high and medium concern.
 */
export const SEVERITY_ORDER: Record<Severity, number> = { low: 1, medium: 2, high: 3 };
const BY_ORDER: Severity[] = ['low', 'medium', 'high'];

/**
 * Type matches below this similarity carry no severity. The lowest threshold at which type matching's precision
 * reaches 0.95 on the dev half of the labelled type set (reports/matching.md: 0.966 at 0.6; 0.94–0.95 from 0.4 to
 * 0.55): a badge saying "High concern" should be wrong at most one time in twenty.
 */
export const MIN_TYPE_SIMILARITY = 0.6;

/** Exception kinds after which the practice still goes on: with one of these an opt-out does not stop it entirely. */
export const KINDS_THAT_KEEP_IT_GOING: readonly ExceptionKind[] = ['continues', 'not-covered', 'legal-override'];

export function maxSeverity(severities: Array<Severity | null | undefined>): Severity | null {
  let best: Severity | null = null;
  for (const severity of severities) {
    if (severity && (best === null || SEVERITY_ORDER[severity] > SEVERITY_ORDER[best])) best = severity;
  }
  return best;
}

/** The provision's severity when the match is sure enough to show it; null for a promise or a weak type match. */
export function shownSeverity(provision: ProvisionMatch | null | undefined): Severity | null {
  if (!provision || provision.severity === null || provision.polarity === 'promise') return null;
  if (provision.match === 'type' && provision.similarity < MIN_TYPE_SIMILARITY) return null;
  return provision.severity;
}

export type Control = 'none' | 'partial' | 'full' | 'consent';

/** How much the page lets you control a topic. */
export function controlOf(group: ExportedClause[]): Control {
  const offers = group.filter((clause) => clause.optOut !== null);
  if (offers.length === 0) return group.some((clause) => clause.labels.includes('opt-in')) ? 'consent' : 'none';
  if (offers.every((clause) => clause.optOut!.default === 'only-if-opt-in')) return 'consent';
  const keepsGoing = offers.some((clause) => clause.exceptions.some((exception) => KINDS_THAT_KEEP_IT_GOING.includes(exception.kind)));
  return keepsGoing ? 'partial' : 'full';
}

/** The topic's concern: its highest shown severity, one step lower when you can stop it entirely or must agree first. */
export function topicConcern(group: ExportedClause[]): Severity | null {
  const severity = maxSeverity(group.filter((clause) => !clause.labels.includes('promise')).map((clause) => shownSeverity(clause.provision)));
  if (severity === null) return null;
  const control = controlOf(group);
  return control === 'full' || control === 'consent' ? BY_ORDER[Math.max(0, SEVERITY_ORDER[severity] - 2)]! : severity;
}

export interface OverallGrade {
  severity: Severity | null;
  reason: string;
}

/**
 * The overall grade: high when two or more topics are of high concern (a page that both takes away your day in
 * court and uses your content beyond the service, say); medium when one is, or when three or more are of medium
 * concern; low otherwise, when at least one topic has a shown severity; none when no clause has one.
 */
export const OVERALL_RULE = { highTopicsForHigh: 2, mediumTopicsForMedium: 3 } as const;

export function overallGrade(concerns: Array<{ name: string; concern: Severity | null }>): OverallGrade {
  const high = concerns.filter((topic) => topic.concern === 'high').map((topic) => topic.name);
  const medium = concerns.filter((topic) => topic.concern === 'medium').map((topic) => topic.name);
  const list = (names: string[]) => names.slice(0, 2).join('; ') + (names.length > 2 ? ` and ${names.length - 2} more` : '');
  if (high.length >= OVERALL_RULE.highTopicsForHigh) return { severity: 'high', reason: `Topics of high concern you cannot fully stop: ${list(high)}.` };
  if (high.length === 1) return { severity: 'medium', reason: `One topic of high concern: ${high[0]}.` };
  if (medium.length >= OVERALL_RULE.mediumTopicsForMedium) return { severity: 'medium', reason: `Several topics of medium concern: ${list(medium)}.` };
  if (concerns.some((topic) => topic.concern !== null)) return { severity: 'low', reason: 'No topic of high concern, and few of medium concern.' };
  return { severity: null, reason: 'No clause matched a known provision closely enough to grade it.' };
}
