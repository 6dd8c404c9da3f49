import type { Mechanism } from '../model/topics';

/**
 * How to opt out, and where: the first mechanism named in the clause (nearest the offer wins), with its concrete
 * target when the text gives one — an email address, a URL (from the text or from a link inside the clause), or a
 * settings path.
 */
const MECHANISM_CUES: Array<[Mechanism, RegExp]> = [
  ['global-privacy-control', /\b(?:global privacy controls?|GPC|opt-out preference signals?)\b/i],
  ['unsubscribe-link', /\b(?:unsubscribe (?:link|button|instructions|option)|(?:link|instructions) (?:to unsubscribe|in (?:the|any|each|our) (?:e-?mails?|messages?|communications?))|clicking (?:on )?(?:the )?[“"]?unsubscribe|unsubscribe at the bottom|replying STOP)/i],
  ['settings', /\b(?:(?:account|privacy|ad|advertising|data|chat|app|cookie|notification|communication|email) (?:settings|preferences|controls|dashboard)|settings? (?:page|menu|panel|toggle)|(?:in|via|through|under|from|using) (?:your |the )?(?:settings|preferences|dashboard|privacy center|privacy centre|account)|toggle|Settings\s*[>›→])/i],
  ['form', /\b(?:(?:web ?|online |opt-out |request |privacy request |contact )form|privacy portal|request portal|privacy request (?:page|center|centre))\b/i],
  ['email', /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\b(?:by |via |send(?:ing)? (?:us )?an? )e-?mail(?:ing)?\b|\bemail us\b/i],
  ['written-notice', /\b(?:written notice|notice in writing|(?:send|mail)(?:ing)? (?:us )?(?:a |an )?(?:written |opt-out )?(?:notice|letter))\b/i],
  ['browser', /\b(?:(?:your |the |most |web )?browser(?:'s|s’|’s)? (?:settings|controls|preferences|options|tools)|(?:set|configure|adjust) (?:your )?browser|browser extensions?|browser add-ons?)\b/i],
  ['device', /\b(?:(?:your |mobile |the )?device(?:'s|’s)? (?:settings|controls|permissions|preferences)|operating system settings|(?:ios|android) settings|limit ad tracking|advertising identifier)\b/i],
  ['link', /\b(?:click(?:ing)? here|(?:this|the following|our|an?) (?:link|page)|visit(?:ing)? (?:our|the|this)|opt[- ]out (?:link|page|tool)|https?:\/\/|www\.|“?do not (?:sell|share)[^.;]{0,40}?”? link)/i],
  ['contact', /\b(?:contact(?:ing)? us|by contacting|contact (?:our|the) (?:support|privacy|data protection)|reach(?:ing)? out to us|writ(?:e|ing) to us|(?:our|the) (?:support team|data protection officer|privacy team)|using the contact details)\b/i],
];

const EMAIL = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s)<>"“”]+[^\s)<>"“”.,;:]/;
const SETTINGS_PATH = /\b(?:[A-Z][\w&'’-]*(?: [\w&'’-]+){0,4})(?:\s*[>›→]\s*[A-Z][\w&'’-]*(?: [\w&'’-]+){0,4}){1,5}/;
const QUOTED_SETTING = /[“"]([A-Z][^”"]{3,60})[”"]\s*(?:setting|toggle|option|button|control)/;

export interface LinkInClause {
  /** offsets relative to the clause text */
  start: number;
  end: number;
  href: string;
}

export interface MechanismFinding {
  mechanism: Mechanism;
  target: string | null;
}

export function detectMechanism(clauseText: string, offerAt: number, links: LinkInClause[] = []): MechanismFinding {
  let mechanism: Mechanism = 'unspecified';
  let distance = Infinity;
  for (const [candidate, pattern] of MECHANISM_CUES) {
    const match = pattern.exec(clauseText);
    if (match === null) continue;
    const d = Math.abs(match.index - offerAt);
    // Earlier entries are more specific: they win ties and near-ties.
    if (d + 20 < distance || (mechanism === 'unspecified' && d < Infinity)) {
      mechanism = candidate;
      distance = d;
    }
  }
  const usableLink = links.find((link) => /^(?:https?:|mailto:)/i.test(link.href));
  if (mechanism === 'unspecified' && usableLink !== undefined) mechanism = 'link';
  return { mechanism, target: targetFor(mechanism, clauseText, usableLink) };
}

function targetFor(mechanism: Mechanism, text: string, link: LinkInClause | undefined): string | null {
  const email = EMAIL.exec(text)?.[0];
  const url = URL_IN_TEXT.exec(text)?.[0];
  switch (mechanism) {
    case 'email':
      return email ?? (link?.href.startsWith('mailto:') ? link.href.slice(7) : null);
    case 'settings':
      return SETTINGS_PATH.exec(text)?.[0] ?? QUOTED_SETTING.exec(text)?.[1] ?? link?.href ?? null;
    default:
      return url ?? link?.href ?? email ?? null;
  }
}
