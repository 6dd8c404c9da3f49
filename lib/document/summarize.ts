import type { ExportedClause, Summary } from './schema';
import { TOPIC_NAMES, type DefaultRegime, type Topic } from '../engine/model/topics';
import { capitalize } from '../engine/text/format';
import { deadlineOf, exceptionSentence } from './exception-words';
import { howToStop } from './how-to-stop';
import { promiseLine } from './promise-words';
import { controlOf, overallGrade, SEVERITY_ORDER, topicConcern } from './severity';

export { maxSeverity } from './severity';

/**
 * The popup's summary: for each topic on the page, whether it happens by default, how to stop it (concretely, from
 * the page), and what still happens after you do — one sentence per exception, worded by its kind, each once on
 * the page. Promises in their own list. Derived from the exported clauses alone, so the CLI prints the same one and
 * a stored analysis can be summarised again on read.
 */
type TopicSummary = Summary['topics'][number];

/** A clause labelled opt-in is about consent, whatever default its offer's cue suggested. */
function regimeOf(clause: ExportedClause): DefaultRegime {
  return clause.labels.includes('opt-in') ? 'only-if-opt-in' : clause.optOut!.default;
}

function headline(topic: Topic, regime: DefaultRegime, canOptOut: boolean, onlyPromises: boolean): string {
  const name = capitalize(TOPIC_NAMES[topic]);
  if (onlyPromises) return `${name}: they say they do not do this.`;
  if (regime === 'only-if-opt-in') return `${name}: only with your consent${canOptOut ? ', which you can withdraw' : ''}.`;
  if (canOptOut) return `${name}: happens unless you opt out.`;
  return `${name}: mentioned, no opt-out offered.`;
}

export function summarize(clauses: ExportedClause[], looksLikePolicy: boolean): Summary {
  const byTopic = new Map<Topic, ExportedClause[]>();
  for (const clause of clauses) byTopic.set(clause.topic, [...(byTopic.get(clause.topic) ?? []), clause]);
  // Each fact once on the page: an exception sentence or a promise already said under one topic is not said again.
  const saidExceptions = new Set<string>();
  const saidPromises = new Set<string>();
  const promises: Summary['promises'] = [];
  const topics: TopicSummary[] = [];
  for (const [topic, group] of byTopic) {
    const offers = group.filter((clause) => clause.optOut !== null);
    const canOptOut = offers.length > 0;
    const regime: DefaultRegime = canOptOut
      ? offers.some((clause) => regimeOf(clause) === 'applies-unless-opt-out') ? 'applies-unless-opt-out' : 'only-if-opt-in'
      : group.some((clause) => clause.labels.includes('opt-in')) ? 'only-if-opt-in' : 'unknown';
    const promiseClauses = group.filter((clause) => clause.labels.includes('promise'));
    // A promise is never a concern: a topic the page only mentions to promise it does not happen says so.
    const onlyPromises = promiseClauses.length > 0 && !canOptOut && group.every((clause) => clause.labels.includes('promise') || clause.labels.length === 0);

    const how = howToStop(offers);
    const deadlineInHow = how.concrete.some((line) => line.startsWith('Deadline:'));
    const exceptions: TopicSummary['exceptions'] = [];
    for (const clause of offers) {
      for (const exception of clause.exceptions) {
        // The deadline is said once, under how to opt out.
        if (deadlineInHow && exception.kind === 'condition' && deadlineOf(exception.text) !== null) continue;
        const plain = exceptionSentence(exception);
        if (saidExceptions.has(`${topic}\n${plain}`)) continue;
        saidExceptions.add(`${topic}\n${plain}`);
        exceptions.push({ plain, quote: exception.text, kind: exception.kind, clauseId: clause.id });
      }
    }
    // The same not-retroactive or legal sentence under a second topic says nothing new: keep it under the first.
    const fresh = exceptions.filter((exception) => !saidExceptions.has(`*\n${exception.plain}`));
    for (const exception of exceptions) saidExceptions.add(`*\n${exception.plain}`);

    const topicPromises: string[] = [];
    for (const clause of promiseClauses) {
      const plain = promiseLine(clause.text);
      if (plain === null || saidPromises.has(plain)) continue;
      saidPromises.add(plain);
      topicPromises.push(plain);
      promises.push({ plain, quote: clause.text, clauseId: clause.id, topic });
    }

    topics.push({
      topic,
      headline: headline(topic, regime, canOptOut, onlyPromises),
      default: regime,
      canOptOut,
      how: [...how.concrete, ...how.general],
      stillAfterOptOut: fresh.map((exception) => exception.plain),
      exceptions: fresh,
      promises: topicPromises,
      severity: topicConcern(group),
      clauseIds: group.map((clause) => clause.id),
    });
  }
  // Opt-outs with exceptions first: they are what people get wrong; then by concern.
  topics.sort((a, b) => rank(b) - rank(a));
  const overall = overallGrade(
    [...byTopic].map(([topic, group]) => ({ name: TOPIC_NAMES[topic], concern: topicConcern(group), control: controlOf(group) })),
  );
  return {
    looksLikePolicy,
    clauseCount: clauses.length,
    optOutCount: clauses.filter((clause) => clause.optOut !== null).length,
    exceptionCount: clauses.reduce((sum, clause) => sum + clause.exceptions.length, 0),
    severity: overall.severity,
    severityReason: overall.reason,
    promises,
    topics,
  };
}

function rank(topic: TopicSummary): number {
  return (topic.exceptions.length > 0 ? 100 : 0) + (topic.canOptOut ? 10 : 0) + (topic.severity ? SEVERITY_ORDER[topic.severity] : 0);
}
