// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentObserver } from '../../lib/extension/page/observer';

/** The observer asks for a fresh reading after the page's own text changes, debounced, and never for its own nodes. */
let observer: ContentObserver | null = null;

beforeEach(() => {
  document.body.innerHTML = '<main><p id="a">First.</p><div id="panel" hidden><p>Later.</p></div></main>';
});

afterEach(() => {
  observer?.disconnect();
  observer = null;
});

function watch(options = { debounceMs: 40, maxWaitMs: 200, maxGapMs: 400 }): { passes: () => number } {
  let passes = 0;
  observer = new ContentObserver(window as unknown as Window & typeof globalThis, async () => {
    passes++;
  }, options);
  observer.observe([document.documentElement]);
  return { passes: () => passes };
}

const wait = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

describe('ContentObserver', () => {
  it('asks once for a burst of changes (debounced)', async () => {
    const { passes } = watch();
    for (let i = 0; i < 5; i++) document.getElementById('a')!.append(` more ${i}`);
    await wait(120);
    expect(passes()).toBe(1);
  });

  it('keeps a change made just before it switches what it watches (records not yet delivered)', async () => {
    const { passes } = watch();
    document.getElementById('a')!.append(' inserted');
    // Same tick: the record is still queued when the observer re-observes with other options.
    observer!.observe([document.documentElement], { attributes: false });
    await wait(120);
    expect(passes()).toBe(1);
  });

  it('notices text revealed by an attribute (hidden removed, details opened)', async () => {
    const { passes } = watch();
    document.getElementById('panel')!.hidden = false;
    await wait(120);
    expect(passes()).toBe(1);
  });

  it('ignores the extension’s own nodes: the hover card host and anything inside [data-clausemark]', async () => {
    const { passes } = watch();
    const host = document.createElement('clausemark-card');
    host.setAttribute('data-clausemark', 'card');
    document.documentElement.append(host);
    host.append(document.createElement('div'));
    host.setAttribute('class', 'shown');
    const mark = document.createElement('mark');
    mark.dataset.clausemark = 'opt-out';
    document.getElementById('a')!.append(mark);
    mark.append('x');
    await wait(120);
    expect(passes()).toBe(0);
  });

  it('ignores white-space-only text and comments', async () => {
    const { passes } = watch();
    document.body.append(document.createTextNode('\n  '), document.createComment('x'));
    await wait(120);
    expect(passes()).toBe(0);
  });

  it('drops records of changes the caller made itself (discardPending)', async () => {
    const { passes } = watch();
    document.getElementById('a')!.append(document.createElement('span'));
    observer!.discardPending();
    await wait(120);
    expect(passes()).toBe(0);
  });

  it('backs off on a page that never stops changing, and answers promptly again once it is quiet', async () => {
    const { passes } = watch({ debounceMs: 20, maxWaitMs: 60, maxGapMs: 320 });
    const ticker = setInterval(() => document.getElementById('a')!.append('.'), 5);
    await wait(1_000);
    clearInterval(ticker);
    // Without back-off a 60 ms ceiling would give ~16 passes in a second; doubling gaps (20, 40, 80, 160, 320…) give few.
    const busy = passes();
    expect(busy).toBeGreaterThan(1);
    expect(busy).toBeLessThan(9);
    await wait(900);
    const settled = passes();
    document.getElementById('panel')!.hidden = false;
    await wait(150);
    expect(passes()).toBe(settled + 1);
  });

  it('stops for good on disconnect', async () => {
    const { passes } = watch();
    observer!.disconnect();
    document.getElementById('a')!.append(' changed');
    await wait(120);
    expect(passes()).toBe(0);
  });
});

describe('ContentObserver without attributes', () => {
  it('hears nodes and text but not attribute changes', async () => {
    let passes = 0;
    observer = new ContentObserver(window as unknown as Window & typeof globalThis, async () => {
      passes++;
    }, { debounceMs: 40, maxWaitMs: 200 });
    observer.observe([document.documentElement], { attributes: false });
    document.getElementById('panel')!.hidden = false;
    await wait(120);
    expect(passes).toBe(0);
    document.title = 'Privacy Policy';
    await wait(120);
    expect(passes).toBe(1);
  });
});
