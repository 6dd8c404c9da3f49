// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { discoverPolicyLinks, parsePageLinks, type LinkCandidate } from '../../lib/extension/page/discover';
import { collectPageLinks } from '../../lib/extension/page/collect-links';

const PAGE = 'https://shop.example/products/42';
const link = (href: string, text: string, rest: Partial<LinkCandidate> = {}): LinkCandidate => ({ rel: '', href, text, inFooter: false, ...rest });

describe('discoverPolicyLinks', () => {
  it('prefers HTML link relations to any anchor', () => {
    const found = discoverPolicyLinks({
      url: PAGE,
      lang: 'en',
      links: [
        link('/privacy', 'Privacy', { inFooter: true }),
        link('/legal/data', '', { rel: 'privacy-policy' }),
        link('https://legal.example/tos', '', { rel: 'terms-of-service' }),
      ],
    });
    expect(found).toEqual([
      { kind: 'privacy', href: 'https://shop.example/legal/data', text: 'Privacy policy', source: 'rel' },
      { kind: 'terms', href: 'https://legal.example/tos', text: 'Terms of service', source: 'rel' },
    ]);
  });

  it('finds footer links by their words and addresses, footer before body', () => {
    const found = discoverPolicyLinks({
      url: PAGE,
      lang: 'en',
      links: [
        link('/blog/privacy-tips', 'Ten privacy tips'),
        link('/help/privacy', 'Privacy  Notice', { inFooter: true }),
        link('/help/conditions-of-use', 'Conditions of Use', { inFooter: true }),
        link('/cart', 'Cart', { inFooter: true }),
      ],
    });
    expect(found).toEqual([
      { kind: 'privacy', href: 'https://shop.example/help/privacy', text: 'Privacy Notice', source: 'footer' },
      { kind: 'terms', href: 'https://shop.example/help/conditions-of-use', text: 'Conditions of Use', source: 'footer' },
    ]);
  });

  it('leaves out choices pages, the page itself and anything but http(s)', () => {
    const found = discoverPolicyLinks({
      url: PAGE,
      lang: 'en',
      links: [
        link('/privacy/settings', 'Cookie settings', { inFooter: true }),
        link('/privacy-choices', 'Your Privacy Choices', { inFooter: true }),
        link('javascript:alert(1)', 'Privacy policy', { inFooter: true }),
        link('data:text/html,<b>x</b>', 'Terms of use', { inFooter: true }),
        link('#terms', 'Terms', { inFooter: true }),
        link('mailto:legal@shop.example', 'Legal', { inFooter: true }),
      ],
    });
    expect(found).toEqual([]);
  });

  it('never offers one address as both kinds', () => {
    const found = discoverPolicyLinks({ url: PAGE, lang: 'en', links: [link('/legal/privacy-and-terms', 'Privacy and terms', { inFooter: true })] });
    expect(found).toHaveLength(1);
  });

  it('finds policies named in other languages', () => {
    const found = discoverPolicyLinks({
      url: 'https://laden.example/',
      lang: 'de',
      links: [link('/datenschutz', 'Datenschutzerklärung', { inFooter: true }), link('/agb', 'AGB', { inFooter: true })],
    });
    expect(found.map((found) => [found.kind, found.href])).toEqual([
      ['privacy', 'https://laden.example/datenschutz'],
      ['terms', 'https://laden.example/agb'],
    ]);
  });

  it('checks what the page sent before reading it', () => {
    expect(parsePageLinks({ url: PAGE, lang: 'en', links: [{ rel: '', href: 5, text: '', inFooter: false }] })).toBeNull();
    expect(parsePageLinks('<a href="/privacy">')).toBeNull();
    expect(parsePageLinks({ url: PAGE, lang: 'en', links: [] })).toEqual({ url: PAGE, lang: 'en', links: [] });
  });
});

describe('collectPageLinks (in a page)', () => {
  afterEach(() => {
    document.head.innerHTML = '';
    document.body.innerHTML = '';
    document.documentElement.removeAttribute('lang');
  });

  it('reads link relations, anchors and whether they sit in the footer, as plain data', () => {
    document.documentElement.setAttribute('lang', 'en-GB');
    document.head.innerHTML = '<link rel="privacy-policy" href="/p"><link rel="canonical" href="/c">';
    document.body.innerHTML = `<main><a href="/blog">Blog</a></main>
      <footer><nav><a href="/terms"> Terms of
      use </a></nav></footer><div role="contentinfo"><a href="/privacy">Privacy</a></div>`;
    const page = collectPageLinks();
    expect(parsePageLinks(page)).not.toBeNull();
    expect(page.lang).toBe('en-GB');
    const base = location.href;
    expect(page.links).toEqual([
      { rel: 'privacy-policy', href: new URL('/p', base).href, text: '', inFooter: false },
      { rel: '', href: new URL('/privacy', base).href, text: 'Privacy', inFooter: true },
      { rel: '', href: new URL('/terms', base).href, text: 'Terms of use', inFooter: true },
      { rel: '', href: new URL('/blog', base).href, text: 'Blog', inFooter: false },
    ]);
  });

  it('is self-contained, as scripting.executeScript needs: it runs from its own source text', () => {
    document.body.innerHTML = '<footer><a href="https://example.org/privacy">Privacy</a></footer>';
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the same round trip the browser makes with `func`
    const rebuilt = new Function(`return (${collectPageLinks.toString()})();`) as typeof collectPageLinks;
    expect(rebuilt().links).toEqual([{ rel: '', href: 'https://example.org/privacy', text: 'Privacy', inFooter: true }]);
  });
});
