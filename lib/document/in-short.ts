import type { Summary } from './schema';
import { TOPIC_NAMES } from '../engine/model/topics';

/**
 * What "In short" shows: the part of the summary that fits one popup screen (600 px at 380 px wide), chosen from
 * the summary by a budget of text lines. The rest — topics that did not fit, every quote, the clause list — is in
 * collapsed details below. The popup renders exactly this; a unit test keeps every corpus document within budget.
 *
 * The estimate is deliberately coarse and pessimistic: 14 px text at 1.45 line height is ~20 px a line, so 600 px
 * holds 30 lines; a card's padding, border and gap cost about one and a half. A line holds 40 characters (the
 * narrowest column, a list item inside a card, is ~300 px wide; 15 px bold headlines are the widest characters).
 * Measured in the real toolbar popup (tests/e2e/action-popup.test.ts), 28 lines came out at up to 664 px: the
 * budget is 24.
 */
type TopicSummary = Summary['topics'][number];

export const IN_SHORT_BUDGET = { lines: 24, charsPerLine: 40, cardLines: 1.5 } as const;
const MAX_HOW = 2;
const MAX_STILL = 3;
const MAX_PROMISES = 2;
const MAX_MENTIONED_NAMES = 3;

export interface InShortTopic {
  topic: TopicSummary;
  how: string[];
  exceptions: TopicSummary['exceptions'];
  /** how many of its how and still lines are only in the details */
  hidden: number;
}

export interface InShort {
  severity: Summary['severity'];
  severityReason: string;
  topics: InShortTopic[];
  promises: Summary['promises'];
  /** "Also mentioned, with no opt-out offered: …", one line; null when there is none */
  alsoMentioned: string | null;
  /** topics with something to do that did not fit, shown collapsed */
  folded: TopicSummary[];
  /** the estimated height in lines */
  lines: number;
}

export function linesOf(text: string, charsPerLine: number = IN_SHORT_BUDGET.charsPerLine): number {
  return Math.max(1, Math.ceil(text.length / charsPerLine));
}

/** A topic where the reader can do something: an opt-out, or consent they can withdraw. */
export function isActionable(topic: TopicSummary): boolean {
  return topic.canOptOut;
}

function cardLines(topic: InShortTopic): number {
  const { headline } = topic.topic;
  return IN_SHORT_BUDGET.cardLines
    + linesOf(headline)
    + (topic.how.length > 0 ? 1 + topic.how.reduce((sum, line) => sum + linesOf(line), 0) : 0)
    + (topic.exceptions.length > 0 ? 1 + topic.exceptions.reduce((sum, exception) => sum + linesOf(exception.plain), 0) : 0)
    + (topic.hidden > 0 ? 1 : 0);
}

function shownAs(topic: TopicSummary, maxHow: number, maxStill: number): InShortTopic {
  // A deadline is never hidden: missing it loses the opt-out.
  const deadline = topic.how.filter((line) => line.startsWith('Deadline:'));
  const how = [...topic.how.filter((line) => !line.startsWith('Deadline:')).slice(0, maxHow), ...deadline];
  const exceptions = topic.exceptions.slice(0, maxStill);
  return { topic, how, exceptions, hidden: topic.how.length - how.length + topic.exceptions.length - exceptions.length };
}

function mentionedLine(topics: TopicSummary[]): string | null {
  if (topics.length === 0) return null;
  const names = topics.slice(0, MAX_MENTIONED_NAMES).map((topic) => TOPIC_NAMES[topic.topic]);
  const more = topics.length - names.length;
  return `Also mentioned, with no opt-out offered: ${names.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`;
}

export function inShort(summary: Summary, budget: number = IN_SHORT_BUDGET.lines): InShort {
  const severityOrder = { high: 3, medium: 2, low: 1 } as const;
  const bySeverity = (a: TopicSummary, b: TopicSummary) => (b.severity ? severityOrder[b.severity] : 0) - (a.severity ? severityOrder[a.severity] : 0);
  const mentioned = summary.topics
    .filter((topic) => !isActionable(topic) && topic.default !== 'only-if-opt-in' && topic.promises.length === 0)
    .sort(bySeverity);
  const alsoMentioned = mentionedLine(mentioned);
  const promises = summary.promises.slice(0, MAX_PROMISES);

  // Fixed parts: the heading, the overall grade and its reason, the promises, the "also mentioned" line.
  let used = 1
    + (summary.severity ? linesOf(`Overall: Medium concern. ${summary.severityReason}`) : 0)
    + (promises.length > 0 ? 1 + promises.reduce((sum, promise) => sum + linesOf(promise.plain), 0) : 0)
    + (summary.promises.length > promises.length ? 1 : 0)
    + (alsoMentioned ? linesOf(alsoMentioned) : 0)
    // the "more" line under the cards, shown when anything is folded
    + 1;

  const topics: InShortTopic[] = [];
  const folded: TopicSummary[] = [];
  for (const topic of summary.topics.filter(isActionable)) {
    const full = shownAs(topic, MAX_HOW, MAX_STILL);
    const short = shownAs(topic, 1, 1);
    const fits = [full, short].find((candidate) => used + cardLines(candidate) <= budget);
    if (fits) {
      topics.push(fits);
      used += cardLines(fits);
    } else {
      folded.push(topic);
    }
  }
  // Consent-only topics and topics the page only promises about are good news: in the details with the rest.
  folded.push(...summary.topics.filter((topic) => !isActionable(topic) && !mentioned.includes(topic)));
  return { severity: summary.severity, severityReason: summary.severityReason, topics, promises, alsoMentioned, folded, lines: used };
}
