/**
 * A promise in a few plain words: "They say they do not sell your personal information." Built from the promise's
 * negated verb and its object, only when the verb is one a reader worries about (sell, share, train, use …) and the
 * object is short; otherwise null, and the promise stays in the details with its quote. A promise that carries its
 * own "except" or "unless" says so: the spec asks for promises to be checked against their exceptions.
 */
const PROMISE =
  /\b(?:do(?:es)?|will|did|has|have|shall)?\s*(?:not|n['’]t|never)\s+(?:knowingly\s+|actively\s+|intentionally\s+|currently\s+|and will not\s+)?[“"‘']?(sell|share|rent|use|train|disclose|track|show|target|access|read|store|retain|collect|transmit|send|infer|re-?identify|monetize|monetise)\b[”"’']?([^,;:.()]*)/i;
const MAX_OBJECT_WORDS = 12;
/** "your personal data as that term is defined by applicable laws": the definition is not part of what is promised. */
const DEFINED_AS = /\bas (?:that term is |such terms? (?:is|are) )?defined\b|\bas that term\b/i;
const CARVE_OUT = /\b(?:except|unless|other than|although|without your|apart from)\b/i;
const PRONOUNS: Array<[RegExp, string]> = [
  [/\bour\b/gi, 'their'],
  [/\bus\b/g, 'them'],
  [/\bwe\b/gi, 'they'],
];

export function promiseLine(text: string): string | null {
  const match = PROMISE.exec(text);
  if (!match) return null;
  // "… with companies outside of Google except in the following cases": the object stops at its carve-out.
  const [kept = '', ...carvedOff] = match[2]!.split(DEFINED_AS)[0]!.split(CARVE_OUT);
  const object = PRONOUNS.reduce((words, [pattern, replacement]) => words.replace(pattern, replacement), kept.trim());
  const words = object.split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > MAX_OBJECT_WORDS) return null;
  const verb = match[1]!.toLowerCase();
  const rest = text.slice(match.index + match[0].length);
  // "does not use any of your audio, video, chat …": the object is a list the comma cut short.
  if (/^,\s*[^,.;]{1,40}(?:,|\b(?:or|and)\b)/.test(rest)) return null;
  const carveOut = carvedOff.length > 0 || CARVE_OUT.test(rest) ? ', with exceptions' : '';
  return `They say they do not ${verb} ${words.join(' ')}${carveOut}.`;
}
