import type { ExportedClause, ProvisionMatch } from '../../lib/document/schema';
import { capitalize } from '../../lib/engine/text/format';
import type { Severity } from '../../lib/document/schema';
import { MECHANISM_NAMES, TOPIC_NAMES, type DefaultRegime, type Topic } from '../../lib/engine/model/topics';

/** Plain words for everything the popup shows. No markup here: callers render these as text. */

export const SEVERITY_WORDS: Record<Severity, string> = {
  high: 'High concern',
  medium: 'Medium concern',
  low: 'Low concern',
};

export const LABEL_WORDS: Record<ExportedClause['labels'][number], string> = {
  'opt-out': 'Opt-out',
  exception: 'Exception',
  'opt-in': 'Opt-in',
  'no-opt-out': 'No opt-out',
  'data-use': 'Data use',
  promise: 'Promise',
};

export const REGIME_WORDS: Record<DefaultRegime, string | null> = {
  'applies-unless-opt-out': 'Happens unless you opt out',
  'only-if-opt-in': 'Only happens if you agree to it',
  unknown: null,
};


export function topicName(topic: Topic): string {
  return capitalize(TOPIC_NAMES[topic]);
}

/** "Opt out in your account settings: Settings > Privacy" */
export function optOutWords(optOut: NonNullable<ExportedClause['optOut']>): string {
  const where = `Opt out ${MECHANISM_NAMES[optOut.mechanism]}`;
  return optOut.target ? `${where}: ${shorten(optOut.target, 120)}` : where;
}

/** What kind of match a known provision is, in words that make the date visible. */
export function matchWords(provision: ProvisionMatch): string {
  const on = provision.recordedAt ? ` on ${provision.recordedAt}` : '';
  const since = provision.recordedAt ? ` since ${provision.recordedAt}` : ' since it was recorded';
  const platform = provision.platform ? ` for ${provision.platform}` : '';
  switch (provision.match) {
    case 'exact':
      return `Same as recorded${on}${platform}`;
    case 'changed': {
      const same = Math.round(provision.similarity * 100);
      const recordedFor = provision.platform ? ` (recorded for ${provision.platform})` : '';
      return `Changed${since}${recordedFor}; about ${same}% of the wording is the same`;
    }
    case 'type':
      return 'The same kind of clause as ones already recorded';
  }
}

/** The first ~200 characters, cut at a word boundary. */
export function shorten(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max + 20) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}
