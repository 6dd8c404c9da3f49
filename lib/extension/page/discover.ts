import { z } from 'zod';

/**
 * Finding a site's own privacy policy and terms from any of its pages: people are rarely on the policy when they
 * wonder about it. Pure and DOM-agnostic: it takes what ./collect-links.ts read from the page (untrusted, so checked
 * here with zod) and ranks it. HTML's own link relations come first (`<link rel="privacy-policy">`,
 * `rel="terms-of-service"`), then links whose text or address name a policy, footer links before others.
 */

/** One link as the page shows it; `rel` is the element's rel attribute, `text` its visible words. */
export const LinkCandidateSchema = z.object({
  rel: z.string().max(200),
  href: z.string().max(8192),
  text: z.string().max(500),
  inFooter: z.boolean(),
});
export type LinkCandidate = z.infer<typeof LinkCandidateSchema>;

/** What the collector returns from a page. */
export const PageLinksSchema = z.object({
  url: z.string().max(8192),
  lang: z.string().max(100),
  links: z.array(LinkCandidateSchema).max(5000),
});
export type PageLinks = z.infer<typeof PageLinksSchema>;

export type PolicyKind = 'privacy' | 'terms';

export interface PolicyLink {
  kind: PolicyKind;
  /** absolute http(s) address */
  href: string;
  /** the link's own words, or a label of ours for a <link> element */
  text: string;
  /** where it was found: an HTML link relation, a footer link, or any other link */
  source: 'rel' | 'footer' | 'anchor';
}

const REL: Record<string, PolicyKind> = { 'privacy-policy': 'privacy', 'terms-of-service': 'terms' };
const LABELS: Record<PolicyKind, string> = { privacy: 'Privacy policy', terms: 'Terms of service' };

/** Words that name each kind, in link text or in the address (a few languages: the site may be in any). */
const NAMES: Record<PolicyKind, { text: RegExp; href: RegExp }> = {
  privacy: {
    text: /\b(?:privacy|data (?:policy|protection)|datenschutz|confidentialit|privacidad|privacidade|privacy notice)/i,
    href: /privacy|datenschutz|confidentialit|privacidad|privacidade|data-?policy/i,
  },
  terms: {
    text: /\b(?:terms|conditions|user agreement|legal|tos\b|nutzungsbedingungen|agb\b|términos|termos|cgu\b)/i,
    href: /terms|conditions|\btos\b|user-?agreement|legal|agb|terminos|termos|cgu/i,
  },
};
/** Links that name a policy but are not the policy itself. */
const NOT_THE_POLICY = /cookie (?:settings|preferences)|do not sell|your privacy choices|manage|settings|preferences|opt[- ]out/i;

function absoluteHttp(href: string, base: string): string | null {
  let url: URL;
  try {
    url = new URL(href.trim(), base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.href;
}

function withoutHash(url: string): string {
  const at = url.indexOf('#');
  return at < 0 ? url : url.slice(0, at);
}

function score(kind: PolicyKind, candidate: LinkCandidate, href: string): number {
  const rels = candidate.rel.toLowerCase().split(/\s+/);
  if (rels.some((rel) => REL[rel] === kind)) return 100;
  const text = candidate.text.replace(/\s+/g, ' ').trim();
  const names = NAMES[kind];
  const byText = names.text.test(text);
  const byHref = names.href.test(new URL(href).pathname + new URL(href).hostname);
  if ((!byText && !byHref) || NOT_THE_POLICY.test(text)) return 0;
  // A generic "Legal" link is a weaker sign of the terms than "Terms of use".
  const generic = kind === 'terms' && /^legal\b/i.test(text) ? -5 : 0;
  return (byText ? 30 : 0) + (byHref ? 20 : 0) + (candidate.inFooter ? 15 : 0) + generic;
}

/**
 * The page's privacy policy and terms, at most one of each, best first; none when the page names neither. Links to
 * the page itself, and anything but http(s), are left out.
 */
export function discoverPolicyLinks(page: PageLinks): PolicyLink[] {
  const here = withoutHash(page.url);
  const found: PolicyLink[] = [];
  for (const kind of ['privacy', 'terms'] as const) {
    let best: { link: PolicyLink; score: number } | null = null;
    for (const candidate of page.links) {
      const href = absoluteHttp(candidate.href, page.url);
      if (href === null || withoutHash(href) === here) continue;
      if (found.some((link) => withoutHash(link.href) === withoutHash(href))) continue;
      const points = score(kind, candidate, href);
      if (points <= 0 || (best !== null && points <= best.score)) continue;
      const isRel = points === 100;
      const text = candidate.text.replace(/\s+/g, ' ').trim().slice(0, 120);
      best = {
        score: points,
        link: { kind, href, text: isRel || text === '' ? LABELS[kind] : text, source: isRel ? 'rel' : candidate.inFooter ? 'footer' : 'anchor' },
      };
    }
    if (best !== null) found.push(best.link);
  }
  return found;
}

/** The collector's answer, checked; null when it is not what a page's links look like. */
export function parsePageLinks(raw: unknown): PageLinks | null {
  const parsed = PageLinksSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
