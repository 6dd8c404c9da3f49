import { runToEnd } from './slices';
import type { AnalyzedClause, ExtractedText } from './model/analysis';
import { segmentClauses, type ClauseSpan } from './segment/clauses';
import { detectTopic } from './classify/topic';
import { defaultRegime, findOptOutCue, MENTION_CUES, optInCue, saysNoOptOut, type OptOutCue } from './classify/opt-out';
import { findExceptions, firstExceptionCue, introducesExceptions } from './classify/exceptions';
import { detectMechanism, type LinkInClause } from './classify/mechanism';
import { exceptionReason, howReason, offerReason } from './reasons';
import { learnedClauses } from './learned/clauses';
import type { LearnedModel } from './learned/model';

/**
 * The analysis core: extracted text → labelled clauses, in character offsets. Pure and synchronous; it runs in the
 * background worker and the CLI, never on a page's main thread.
 */
export interface AnalyzeInput extends ExtractedText {
  links?: Array<{ start: number; end: number; href: string }>;
}

/** Exceptions can sit this many sentences after the offer (real policies put them up to three sentences on). */
const FOLLOWERS = 3;
const DATA_USE = /\b(?:we|[A-Z][\w.&-]+|they)(?: [\w-]+){0,2}? (?:may |will |might |also |can |could |do |does |shall )*(?:use|uses|share|shares|disclose|discloses|sell|sells|collect|collects|process|processes|retain|retains|store|stores|keep|keeps|transfer|transfers|train|trains|analy[sz]e|review|reviews|combine|combines|receive|receives|access|accesses)\b/;

const SAYS_HOW = /^(?:To (?:do so|do this|exercise (?:this|that|these|your|such)(?: \w+)? (?:right|choice|option|request)s?(?: to \w+)?)|You can (?:do so|do this|object|opt[- ]?out|withdraw(?: your)? consent|make (?:this|that|such) (?:choice|request)) (?:through|via|by|using|here|in|at|from|on)\b|(?:For|As) (?:a )?(?:Members?|Visitors?|users?)\b[^.]{0,40}\b(?:setting|here))/i;
const CONDITIONAL_RESTATEMENT = /^if\b/i;

export interface Progress {
  done: number;
  total: number;
}

/** Every kind of space as a plain space, one for one: patterns match "may\u00a0opt out", offsets stay the page's. */
const ANY_SPACE = /[\s\u00a0\u2007\u202f\u200b\u2060\ufeff]/g;

export function* analyzeSteps(original: AnalyzeInput, sliceSize = 40): Generator<Progress, AnalyzedClause[]> {
  const input = { ...original, text: original.text.replace(ANY_SPACE, ' ') };
  // Each sentence is asked "is this an offer?" up to four times (as a lead-in, a clause, a follower): ask once.
  const offers = new Map<string, OptOutCue | null>();
  const offerIn = (clauseText: string): OptOutCue | null => {
    if (!offers.has(clauseText)) offers.set(clauseText, findOptOutCue(clauseText));
    return offers.get(clauseText)!;
  };
  // A list completes its lead-in when the lead-in introduces exceptions ("we will still … when:"), or offers an
  // opt-out whose items only say how; a list of offers ("you can opt out in these ways:") stays a list of clauses.
  const spans = segmentClauses(input, (leadIn, items) =>
    introducesExceptions(leadIn) || (offerIn(leadIn) !== null && !items.some((item) => offerIn(item) !== null)));
  const clauses: AnalyzedClause[] = [];
  let skipUntil = -1;
  for (let i = 0; i < spans.length; i++) {
    if (i % sliceSize === sliceSize - 1) yield { done: i, total: spans.length };
    if (i <= skipUntil) continue;
    const analyzed = analyzeClause(input, spans, i, offerIn);
    if (analyzed === null) continue;
    clauses.push({ ...analyzed.clause, index: clauses.length });
    skipUntil = i + analyzed.followersUsed;
  }
  return clauses;
}

/**
 * The analysis: the rule engine proposes (its cues and verdicts are features), the learned stage decides which
 * sentences are offers, exceptions (with their kind and offer) and promises.
 */
export function analyze(input: AnalyzeInput, model?: LearnedModel): AnalyzedClause[] {
  const byRules = analyzeByRules(input);
  // A performance budget: a page past LEARNED_STAGE_MAX_TEXT (ten times the longest real policy seen) is read by the
  // rules alone, so a 5 MB page is answered in seconds rather than a minute.
  return input.text.length > LEARNED_STAGE_MAX_TEXT ? byRules : learnedClauses(input, byRules, model);
}

/** Characters beyond which the learned stage steps aside (the longest policy of the corpus has 261,000). */
export const LEARNED_STAGE_MAX_TEXT = 2_500_000;

/** The rule engine alone: hand-written cue tables (the learned stage's candidate generator and features). */
export function analyzeByRules(input: AnalyzeInput): AnalyzedClause[] {
  return runToEnd(analyzeSteps(input, Number.MAX_SAFE_INTEGER));
}

function analyzeClause(
  input: AnalyzeInput,
  spans: ClauseSpan[],
  i: number,
  offerIn: (clauseText: string) => OptOutCue | null,
): { clause: Omit<AnalyzedClause, 'index'>; followersUsed: number } | null {
  const { text } = input;
  const span = spans[i]!;
  const clauseText = text.slice(span.start, span.end);
  const next = spans[i + 1];
  // A lead-in whose list items make the offers ("You can control it in the following ways:") only introduces them.
  const introducesOffers = clauseText.trimEnd().endsWith(':') && span.items.length === 0 && next !== undefined &&
    input.blocks[next.blockIndex]?.kind === 'list-item' && offerIn(text.slice(next.start, next.end)) !== null;
  const offer = introducesOffers ? null : offerIn(clauseText);
  const why: string[] = [];
  if (offer === null) {
    const labels: AnalyzedClause['labels'] = [];
    const noOptOut = saysNoOptOut(clauseText);
    const optIn = optInCue(clauseText);
    if (noOptOut !== null) {
      labels.push('no-opt-out');
      why.push(`Says you cannot opt out: “${noOptOut}”`);
    }
    if (optIn !== null) {
      labels.push('opt-in');
      why.push(`Needs your consent: “${optIn}”`);
    }
    // Topic detection is the costly part: only for clauses that will be reported.
    if (labels.length === 0 && !DATA_USE.test(clauseText)) return null;
    const topicEvidence = detectTopic(clauseText, span.heading);
    if (topicEvidence.topic !== 'other' && DATA_USE.test(clauseText)) {
      labels.push('data-use');
      why.push(`About ${topicEvidence.topic.replace(/-/g, ' ')}: “${topicEvidence.cue}”`);
    }
    if (labels.length === 0) return null;
    return {
      clause: { start: span.start, end: span.end, heading: span.heading, topic: topicEvidence.topic, labels, optOut: null, exceptions: [], why },
      followersUsed: 0,
    };
  }

  const followers: ClauseSpan[] = [];
  let mechanismFollowers = 0;
  for (const next of spans.slice(i + 1, i + 1 + FOLLOWERS)) {
    if (next.heading !== span.heading) break;
    const nextText = text.slice(next.start, next.end);
    // "To do so, visit …", "You can object through this form": how to use the offer just made, not a new offer.
    if (followers.length === mechanismFollowers && SAYS_HOW.test(nextText)) {
      followers.push(next);
      mechanismFollowers++;
      continue;
    }
    const nextOffer = offerIn(nextText);
    // "If you choose not to receive them, we may still …" or "You will need to … from each browser from which you
    // wish to opt out" mention the offer to state its exception: they are not new offers.
    const exceptionAt = firstExceptionCue(nextText);
    const mentionsOffer = exceptionAt >= 0 && (CONDITIONAL_RESTATEMENT.test(nextOffer?.matched ?? '') ||
      exceptionAt < (nextOffer?.start ?? 0) || MENTION_CUES.has(nextOffer?.name ?? ''));
    if (nextOffer !== null && !mentionsOffer) break;
    followers.push(next);
  }
  const offerEnd = span.start + offer.end;
  const { exceptions, followersUsed } = findExceptions({ text, clause: span, offerEnd, followers });
  const offerSpan = sentenceHolding(span, span.start + offer.start);
  const used = Math.max(followersUsed, mechanismFollowers);
  const end = used > 0 ? followers[used - 1]!.end : span.end;
  const fullText = text.slice(span.start, end);
  const links: LinkInClause[] = (input.links ?? [])
    .filter((link) => link.start >= span.start && link.end <= end)
    .map((link) => ({ start: link.start - span.start, end: link.end - span.start, href: link.href }));
  const { mechanism, target } = detectMechanism(fullText, offer.start, links);
  // The topic of an offer is what the person opts out of: the whole clause, including its carve-outs.
  const topic = detectTopic(fullText, span.heading).topic;
  why.push(offerReason({ cue: offer.matched.trim() }));
  why.push(howReason({ mechanism, target }));
  for (const exception of exceptions) why.push(exceptionReason(exception));
  return {
    clause: {
      start: span.start,
      end,
      heading: span.heading,
      topic,
      labels: exceptions.length > 0 ? ['opt-out', 'exception'] : ['opt-out'],
      optOut: {
        mechanism,
        target,
        default: defaultRegime(fullText, true),
        cue: offer.matched.trim(),
        start: offerSpan.start,
        end: offerSpan.end,
      },
      exceptions,
      why,
    },
    followersUsed: used,
  };
}

/** What the opt-out highlight covers: the list item holding the offer, or the lead-in sentence. */
function sentenceHolding(span: ClauseSpan, at: number): { start: number; end: number } {
  const item = span.items.find((candidate) => candidate.start <= at && at < candidate.end);
  if (item !== undefined) return item;
  return { start: span.start, end: span.items[0]?.start ?? span.end };
}
