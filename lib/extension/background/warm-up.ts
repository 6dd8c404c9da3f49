import { analyze } from '../../engine/analyze';
import { extractFromPlainText } from '../../engine/extract/plain-text';

/**
 * Runs the engine once on a short passage: its regular expressions and learned model are compiled and loaded before
 * the first page arrives (Firefox compiles the large patterns anew in each context, which costs hundreds of ms).
 */
const SAMPLE = 'We may use your content to train our models, unless you opt out in your account settings. ' +
  'Even if you opt out, we will still use it when (i) it is flagged for safety review, or (ii) you send feedback. ' +
  'We do not sell your personal information.';

export function warmUpEngine(): void {
  analyze(extractFromPlainText(SAMPLE));
}
