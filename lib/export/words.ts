import type { ExceptionSpan } from '../document/schema';
import { TOPIC_NAMES, type DefaultRegime, type Topic } from '../engine/model/topics';
import { capitalize } from '../engine/text/format';

/** Plain words the export formats share: what a person reads in a report, a spreadsheet or an annotation client. */

/** What each kind of exception means for the person who opted out. */
export const EXCEPTION_KIND_WORDS: Record<ExceptionSpan['kind'], string> = {
  continues: 'Still happens in some cases after you opt out',
  'not-covered': 'Not covered by the opt-out',
  condition: 'A condition or limit of the opt-out',
  'not-retroactive': 'Opting out does not undo what was already done',
  'legal-override': 'The law or their legal grounds can override the opt-out',
};

/** Whether it happens by default, in words. */
export const DEFAULT_WORDS: Record<DefaultRegime, string> = {
  'applies-unless-opt-out': 'Happens unless you opt out',
  'only-if-opt-in': 'Only happens if you agree to it',
  unknown: 'Not stated',
};

/** "Training AI models on your content" */
export function topicTitle(topic: Topic): string {
  return capitalize(TOPIC_NAMES[topic]);
}
