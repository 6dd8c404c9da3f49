import type { ExportedClause, Summary } from './schema';
import type { Severity } from './schema';
import { MECHANISM_NAMES, TOPIC_NAMES, type DefaultRegime, type Topic } from '../engine/model/topics';
import { capitalize } from '../engine/text/format';

/**
 * The popup's summary: for each topic on the page, whether it happens by default, whether and how you can opt out,
 * and what still happens after you do. Derived from the exported clauses alone, so the CLI prints the same one.
 */
const SEVERITY_ORDER: Record<Severity, number> = { low: 1, medium: 2, high: 3 };

export function maxSeverity(severities: Array<Severity | null | undefined>): Severity | null {
  let best: Severity | null = null;
  for (const severity of severities) {
    if (severity && (best === null || SEVERITY_ORDER[severity] > SEVERITY_ORDER[best])) best = severity;
  }
  return best;
}

function headline(topic: Topic, regime: DefaultRegime, canOptOut: boolean, hasExceptions: boolean, onlyPromises: boolean): string {
  const name = capitalize(TOPIC_NAMES[topic]);
  if (onlyPromises) return `${name}: they say they do not do this.`;
  if (regime === 'only-if-opt-in') return `${name}: only with your consent${canOptOut ? ', which you can withdraw' : ''}.`;
  if (canOptOut) {
    return `${name}: happens unless you opt out${hasExceptions ? ' — and some of it still happens after you do' : ''}.`;
  }
  return `${name}: mentioned, with no way to opt out offered here.`;
}

export function summarize(clauses: ExportedClause[], looksLikePolicy: boolean): Summary {
  const byTopic = new Map<Topic, ExportedClause[]>();
  for (const clause of clauses) byTopic.set(clause.topic, [...(byTopic.get(clause.topic) ?? []), clause]);
  const topics: Summary['topics'] = [];
  for (const [topic, group] of byTopic) {
    const offers = group.filter((clause) => clause.optOut !== null);
    const canOptOut = offers.length > 0;
    const regime: DefaultRegime = canOptOut
      ? offers.some((clause) => clause.optOut!.default === 'applies-unless-opt-out') ? 'applies-unless-opt-out' : 'only-if-opt-in'
      : group.some((clause) => clause.labels.includes('opt-in')) ? 'only-if-opt-in' : 'unknown';
    const promises = group.filter((clause) => clause.labels.includes('promise'));
    // A promise is never a concern: a topic the page only mentions to promise it does not happen says so.
    const onlyPromises = promises.length > 0 && !canOptOut && group.every((clause) => clause.labels.includes('promise') || clause.labels.length === 0);
    const stillAfterOptOut = unique(offers.flatMap((clause) => clause.exceptions.map((exception) => exception.plain)));
    // "In a way the text does not spell out" only when no offer on the topic says how.
    const specific = offers.filter(({ optOut }) => optOut!.mechanism !== 'unspecified');
    const how = unique(
      (specific.length > 0 ? specific : offers).map(
        ({ optOut }) => `${capitalize(MECHANISM_NAMES[optOut!.mechanism])}${optOut!.target ? `: ${optOut!.target}` : ''}`,
      ),
    );
    topics.push({
      topic,
      headline: headline(topic, regime, canOptOut, stillAfterOptOut.length > 0, onlyPromises),
      default: regime,
      canOptOut,
      how,
      stillAfterOptOut,
      promises: unique(promises.map((clause) => clause.text)),
      severity: maxSeverity(group.filter((clause) => !clause.labels.includes('promise')).map((clause) => clause.provision?.severity)),
      clauseIds: group.map((clause) => clause.id),
    });
  }
  // Opt-outs with exceptions first: they are what people get wrong.
  topics.sort((a, b) => rank(b) - rank(a));
  return {
    looksLikePolicy,
    clauseCount: clauses.length,
    optOutCount: clauses.filter((clause) => clause.optOut !== null).length,
    exceptionCount: clauses.reduce((sum, clause) => sum + clause.exceptions.length, 0),
    severity: maxSeverity(topics.map((topic) => topic.severity)),
    topics,
  };
}

function rank(topic: Summary['topics'][number]): number {
  return (topic.stillAfterOptOut.length > 0 ? 100 : 0) + (topic.canOptOut ? 10 : 0) + (topic.severity ? SEVERITY_ORDER[topic.severity] : 0);
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}
