/**
 * Is a page in a language the engine reads? The engine's cues, segmenter and learned model are English-only, so a
 * page in French would come back with nothing found — which reads as "this policy has no opt-outs". This says so
 * instead. Two cheap signals: the document's declared `lang`, and the share of common English function words in the
 * text (English prose runs at 30–45%, other languages at a few percent).
 */

/**
 * Frequent English function words that are not also common words in German, French, Spanish, Portuguese, Italian
 * or Dutch ("a", "in", "an", "on", "no", "is", "we", "was", "die", "also", "will" are left out for that reason).
 */
const ENGLISH = new Set([
  'the', 'and', 'of', 'to', 'you', 'that', 'for', 'it', 'with', 'are', 'this', 'be', 'or', 'by', 'your',
  'not', 'from', 'have', 'may', 'can', 'our', 'if', 'at', 'which', 'any', 'all', 'these', 'such', 'other', 'when',
  'who', 'what', 'how', 'they', 'their', 'has', 'been', 'were', 'would', 'should', 'about', 'into', 'than',
  'more', 'us', 'its', 'there', 'those', 'only', 'under', 'where', 'through', 'does', 'each', 'some',
]);

/** A few unambiguous function words per language, to name the language when the page does not declare one. */
const OTHERS: Record<string, ReadonlySet<string>> = {
  de: new Set(['der', 'die', 'und', 'den', 'das', 'nicht', 'sie', 'ist', 'mit', 'sich', 'auf', 'für', 'werden', 'wir', 'ihre', 'oder', 'eine', 'dem', 'zu']),
  fr: new Set(['le', 'la', 'les', 'et', 'des', 'du', 'une', 'est', 'pour', 'vous', 'nous', 'vos', 'que', 'qui', 'dans', 'sur', 'avec', 'ne', 'pas', 'au']),
  es: new Set(['el', 'los', 'las', 'y', 'del', 'una', 'para', 'que', 'con', 'por', 'su', 'sus', 'usted', 'nosotros', 'se', 'es', 'datos', 'como']),
  pt: new Set(['os', 'as', 'e', 'dos', 'das', 'uma', 'para', 'que', 'com', 'por', 'seu', 'seus', 'você', 'nós', 'não', 'ao', 'em', 'dados', 'é']),
  it: new Set(['il', 'gli', 'e', 'di', 'che', 'per', 'con', 'una', 'non', 'sono', 'dei', 'delle', 'della', 'noi', 'tuoi', 'nel', 'è']),
  nl: new Set(['het', 'een', 'en', 'van', 'de', 'dat', 'niet', 'wij', 'uw', 'voor', 'met', 'zijn', 'worden', 'ook', 'deze', 'wordt']),
};

/** Past this, the words are plentiful enough to outvote the `lang` attribute (templates often declare it wrongly). */
export const MIN_WORDS = 40;
/** Below this share of English function words, the text is not English. */
export const MIN_ENGLISH_SHARE = 0.12;
/** The sample the check reads: a policy's language shows in its first pages. */
const SAMPLE_CHARS = 20_000;

export interface UnreadableLanguage {
  /** a BCP 47 primary language subtag ("fr"), or "" when it could not be told */
  code: string;
  /** the language's English name ("French"), or "another language" */
  name: string;
}

/** The primary subtag of a `lang` attribute ("pt-BR" → "pt"), lower case; "" when absent or malformed. */
export function primaryLanguage(lang: string | null | undefined): string {
  const primary = (lang ?? '').trim().split(/[-_]/)[0]!.toLowerCase();
  return /^[a-z]{2,3}$/.test(primary) ? primary : '';
}

/** Too few different words ("opt out opt out …") say nothing of a language: the declared one decides. */
const MIN_DISTINCT_WORDS = 12;

function wordsOf(text: string): string[] {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  // Soft hyphens, zero-width and bidi controls, combining marks: inside a word they must not split it.
  return sample.replace(/[\p{Cf}\p{M}]/gu, '').toLowerCase().match(/\p{L}+/gu) ?? [];
}

/** The share of words that are common English function words (0 for no words). */
export function englishShare(text: string): number {
  const words = wordsOf(text);
  if (words.length === 0) return 0;
  return words.filter((word) => ENGLISH.has(word)).length / words.length;
}

/** The likeliest of the languages above, by their function words; "" when none stands out. */
export function guessLanguage(text: string): string {
  const words = wordsOf(text);
  if (words.length === 0) return '';
  let best = '';
  let bestShare = 0.08;
  for (const [code, vocabulary] of Object.entries(OTHERS)) {
    const share = words.filter((word) => vocabulary.has(word)).length / words.length;
    if (share > bestShare) {
      best = code;
      bestShare = share;
    }
  }
  return best;
}

/** "fr" → "French"; the code itself when the runtime has no name for it. */
export function languageName(code: string): string {
  if (code === '') return 'another language';
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * The page's language when the engine cannot read it; null when it can (English, or too little to tell and not
 * declared otherwise). With enough words the text decides, so an English policy on a page that declares `lang="de"`
 * is still read, and a French one under `lang="en"` is not.
 */
export function unreadableLanguage(page: { lang?: string | null; text: string }): UnreadableLanguage | null {
  const declared = primaryLanguage(page.lang);
  const sample = wordsOf(page.text);
  if (sample.length >= MIN_WORDS && new Set(sample).size >= MIN_DISTINCT_WORDS) {
    if (englishShare(page.text) >= MIN_ENGLISH_SHARE) return null;
    const code = declared !== '' && declared !== 'en' ? declared : guessLanguage(page.text);
    return { code, name: languageName(code) };
  }
  if (declared === '' || declared === 'en') return null;
  return { code: declared, name: languageName(declared) };
}
