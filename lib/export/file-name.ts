import type { AnnotatedDocument } from '../document/schema';

/**
 * The download's file name: `clausemark-<title>-<host>-<yyyy-mm-dd>.<extension>`, e.g.
 * `clausemark-anthropic-privacy-policy-anthropic.com-2026-12-02.md`. The title tells two policies of one site apart
 * on the same day; when the page has no title, its address's path stands in. Only lower-case ASCII letters, digits,
 * dots and hyphens, so the name is safe on every system.
 */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;
/** Long enough for a policy's title, short enough that the whole name stays well under file-system limits. */
const MAX_SLUG = 60;
const MAX_HOST = 63;

/** Words of any script reduced to ASCII: accents dropped ("Política" → "politica"), the rest joined by hyphens. */
export function slugify(text: string, max = MAX_SLUG): string {
  const slug = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max);
  const lastHyphen = cut.lastIndexOf('-');
  // Cut at a word boundary unless that would throw most of it away.
  return (lastHyphen > max / 2 ? cut.slice(0, lastHyphen) : cut).replace(/-+$/, '');
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The host without a leading "www.", reduced to letters, digits, dots and hyphens ("" for a file). */
function safeHost(url: URL | null): string {
  return (url?.hostname ?? '')
    .toLowerCase()
    .replace(/^www\./, '')
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, MAX_HOST)
    .replace(/[.-]+$/, '');
}

/** The last parts of the address's path, for a page without a title: `/legal/privacy.html` → "legal-privacy". */
function pathSlug(url: URL | null): string {
  const segments = (url?.pathname ?? '')
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .filter((segment) => segment !== '' && !/^[a-z]:$/i.test(segment))
    .map((segment) => segment.replace(/\.(?:html?|php|aspx?|md|txt)$/i, ''));
  return slugify(segments.slice(-3).join(' '));
}

/** The day the document was analysed, as YYYY-MM-DD (today's date if the timestamp cannot be read). */
function analysisDate(analyzedAt: string): string {
  const match = ISO_DATE.exec(analyzedAt);
  return match ? match[0] : new Date().toISOString().slice(0, 10);
}

export function exportFileName(doc: AnnotatedDocument, extension = 'json'): string {
  const ext = extension.toLowerCase().replace(/[^a-z0-9]+/g, '') || 'json';
  const url = parseUrl(doc.document.url);
  const slug = slugify(doc.document.title) || pathSlug(url);
  const host = safeHost(url);
  const name = [slug, host].filter((part) => part !== '').join('-') || 'document';
  return `clausemark-${name}-${analysisDate(doc.document.analyzedAt)}.${ext}`;
}
