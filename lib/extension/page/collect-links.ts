/**
 * The thin DOM half of ./discover.ts: reads the page's `<link rel>` elements and the links that might name its
 * policy, and nothing else. The popup runs it in the active tab with `scripting.executeScript({ func })`, which sends
 * the function's source alone: it must stay self-contained (no imports, no helpers outside it) and return plain data.
 */
export function collectPageLinks(): { url: string; lang: string; links: Array<{ rel: string; href: string; text: string; inFooter: boolean }> } {
  const MAX_LINKS = 3000;
  const links: Array<{ rel: string; href: string; text: string; inFooter: boolean }> = [];
  for (const element of Array.from(document.querySelectorAll('link[rel][href]'))) {
    const rel = (element.getAttribute('rel') ?? '').toLowerCase();
    if (/\b(?:privacy-policy|terms-of-service)\b/.test(rel)) {
      links.push({ rel: rel.slice(0, 200), href: (element as HTMLLinkElement).href.slice(0, 8192), text: '', inFooter: false });
    }
  }
  // Footers come last in the document: read the anchors from the end, so a long page's footer is never cut off.
  const anchors = Array.from(document.querySelectorAll('a[href]')).reverse();
  for (const anchor of anchors) {
    if (links.length >= MAX_LINKS) break;
    const text = (anchor.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 500);
    const href = (anchor as HTMLAnchorElement).href;
    if (typeof href !== 'string' || href === '') continue;
    links.push({
      rel: (anchor.getAttribute('rel') ?? '').toLowerCase().slice(0, 200),
      href: href.slice(0, 8192),
      text,
      inFooter: anchor.closest('footer, [role="contentinfo"], #footer, .footer, .site-footer') !== null,
    });
  }
  return { url: location.href.slice(0, 8192), lang: (document.documentElement.getAttribute('lang') ?? '').slice(0, 100), links };
}
