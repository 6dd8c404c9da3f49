/**
 * Does a page look like a privacy policy or terms page? Decides automatic annotation only; on demand, any page is
 * analysed. Evidence: the address and title name a legal document, and the text speaks the vocabulary of one.
 */
const LEGAL_ADDRESS = /(?:privacy|terms|legal|policy|policies|tos|conditions|cookie|agreement|gdpr|ccpa|datenschutz|notice|eula)/i;
const LEGAL_TITLE = /\b(?:privacy|terms|policy|conditions|agreement|legal|cookie|notice|user agreement|data protection)\b/i;
const LEGAL_VOCABULARY = /\b(?:personal (?:data|information)|we collect|third part(?:y|ies)|cookies|opt[- ]?out|you agree|these terms|governing law|arbitration|data protection|your rights|retain|disclose|liability)\b/gi;
const MIN_TEXT = 1500;

/** The cheap half, decided before any text is read: does the address, title or main heading name a legal text? */
export function namedLikePolicy(url: string, title: string, heading = ''): boolean {
  let path = url;
  try {
    const parsed = new URL(url);
    path = `${parsed.hostname}${parsed.pathname}`;
  } catch {
    // not a URL (a file name from the CLI): use it as it is
  }
  return LEGAL_ADDRESS.test(path) || LEGAL_TITLE.test(title) || LEGAL_TITLE.test(heading);
}

export function looksLikePolicyPage(url: string, title: string, text: string, heading = ''): boolean {
  if (text.length < MIN_TEXT) return false;
  const named = namedLikePolicy(url, title, heading);
  const sample = text.length > 200_000 ? text.slice(0, 200_000) : text;
  const hits = sample.match(LEGAL_VOCABULARY)?.length ?? 0;
  const density = hits / (sample.length / 1000);
  // A page named like a policy needs some legal vocabulary; an unnamed one needs a lot of it.
  return named ? hits >= 5 : density >= 1.5 && hits >= 15;
}
