// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../components/popup/App';
import type { PopupApi } from '../../components/popup/api';
import { KNOWN_CLAUSES_SHOWN } from '../../components/popup/StateViews';
import { bundledDataset } from '../../lib/knowledge/dataset/load';
import { knownPlatformFor, type KnownPlatform } from '../../lib/knowledge/platforms';
import type { PolicyLink } from '../../lib/extension/page/discover';
import type { TabState } from '../../lib/extension/messages/tab-state';

const TAB_ID = 5;
const CLAUDE = knownPlatformFor('https://claude.ai/new', bundledDataset())!;

function mockApi(state: TabState, guide: { platform?: KnownPlatform | null; links?: PolicyLink[] } = {}) {
  return {
    getActiveTabId: vi.fn(async (): Promise<number | null> => TAB_ID),
    getTabState: vi.fn(async (_tabId: number): Promise<unknown> => state),
    analyzeNow: vi.fn(async (_tabId: number): Promise<void> => {}),
    jumpToClause: vi.fn(async (_tabId: number, _clauseId: string): Promise<void> => {}),
    knownPlatform: vi.fn(async (_tabId: number) => guide.platform ?? null),
    findPolicyLinks: vi.fn(async (_tabId: number) => guide.links ?? []),
    openAndAnalyze: vi.fn(async (_tabId: number, _url: string): Promise<void> => {}),
  } satisfies PopupApi;
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('popup on a page of a known platform', () => {
  it('says what the platform\'s recorded policies say, with links, and still offers to analyse the page', async () => {
    const api = mockApi({ status: 'idle' }, { platform: CLAUDE });
    render(<App api={api} />);
    const region = await screen.findByRole('region', { name: "What Claude's policies say" });
    expect(api.knownPlatform).toHaveBeenCalledWith(TAB_ID);
    const known = within(region);
    // The first clauses show, the rest one click away.
    const first = CLAUDE.clauses[0]!;
    expect(known.getAllByText(first.provision).length).toBeGreaterThan(0);
    expect(known.getByText(`All ${CLAUDE.clauses.length} known clauses`)).toBeTruthy();
    // The recorded training clause's exceptions, in the dataset's words.
    const training = CLAUDE.clauses.find((clause) => clause.id === 'claude-privacy-model-training')!;
    for (const exception of training.exceptions) expect(known.getAllByText(exception).length).toBeGreaterThan(0);
    // Each policy as a link to its address, and as "open and annotate".
    const privacy = known.getAllByRole('link', { name: 'Anthropic Privacy Policy' })[0]!;
    expect(privacy.getAttribute('href')).toBe('https://www.anthropic.com/legal/privacy');
    expect(privacy.getAttribute('rel')).toBe('noopener noreferrer');
    fireEvent.click(known.getByRole('button', { name: 'Open and annotate: Anthropic Privacy Policy' }));
    await waitFor(() => expect(api.openAndAnalyze).toHaveBeenCalledWith(TAB_ID, 'https://www.anthropic.com/legal/privacy'));
    expect(await screen.findByText('Reading this page…')).toBeTruthy();
    expect(KNOWN_CLAUSES_SHOWN).toBeLessThan(CLAUDE.clauses.length);
  });

  it('shows a promise as a promise, never as a concern', async () => {
    const promise = { ...CLAUDE.clauses[0]!, id: 'p', provision: 'Selling your data', polarity: 'promise' as const, severity: 'high' as const };
    const api = mockApi({ status: 'not-a-policy', url: 'https://claude.ai/' }, { platform: { ...CLAUDE, clauses: [promise] } });
    render(<App api={api} />);
    const region = await screen.findByRole('region', { name: "What Claude's policies say" });
    expect(within(region).getByText('Promise')).toBeTruthy();
    expect(within(region).getByText('The policy says this does not happen.')).toBeTruthy();
    expect(within(region).queryByText('High concern')).toBeNull();
    // "Not a policy" still offers to read the page itself.
    expect(screen.getByRole('button', { name: 'Analyse anyway' })).toBeTruthy();
  });
});

describe('popup on any other site', () => {
  const LINKS: PolicyLink[] = [
    { kind: 'privacy', href: 'https://shop.example/privacy', text: '<img src=x onerror=alert(1)> Privacy', source: 'rel' },
    { kind: 'terms', href: 'javascript:alert(1)', text: 'Terms', source: 'footer' },
  ];

  it('offers the site\'s own policy, rendered as text, http(s) only, and opens it annotated', async () => {
    const api = mockApi({ status: 'idle' }, { links: LINKS });
    const { container } = render(<App api={api} />);
    const region = await screen.findByRole('region', { name: "This site's policies" });
    const link = within(region).getByRole('link', { name: '<img src=x onerror=alert(1)> Privacy' });
    expect(link.getAttribute('href')).toBe('https://shop.example/privacy');
    expect(container.querySelector('img')).toBeNull();
    expect(within(region).queryByText('Terms')).toBeNull();
    expect(container.querySelector('a[href^="javascript:"]')).toBeNull();
    fireEvent.click(within(region).getByRole('button', { name: /^Open and annotate: Privacy policy/ }));
    await waitFor(() => expect(api.openAndAnalyze).toHaveBeenCalledWith(TAB_ID, 'https://shop.example/privacy'));
  });

  it('says plainly when the policy opened but could not be read from here', async () => {
    const api = mockApi({ status: 'idle' }, { links: LINKS.slice(0, 1) });
    api.openAndAnalyze.mockRejectedValueOnce(new Error('Cannot access contents of the page'));
    render(<App api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: /^Open and annotate/ }));
    expect(await screen.findByText(/Click the Clausemark icon on that page to annotate it/)).toBeTruthy();
  });

  it('shows nothing extra when the page names no policy, and asks nothing on a read policy', async () => {
    const idle = mockApi({ status: 'idle' });
    render(<App api={idle} />);
    await screen.findByRole('button', { name: 'Analyse this page' });
    await waitFor(() => expect(idle.findPolicyLinks).toHaveBeenCalled());
    expect(screen.queryByRole('region', { name: "This site's policies" })).toBeNull();
    cleanup();

    const error = mockApi({ status: 'error', reason: 'x' }, { platform: CLAUDE });
    render(<App api={error} />);
    await screen.findByText('Something went wrong');
    expect(error.knownPlatform).not.toHaveBeenCalled();
    expect(error.findPolicyLinks).not.toHaveBeenCalled();
  });
});

describe('popup on a page in another language', () => {
  it('says Clausemark reads English and names the page\'s language', async () => {
    const api = mockApi({ status: 'unsupported-language', url: 'https://exemple.fr/confidentialite', code: 'fr', language: 'French' });
    render(<App api={api} />);
    expect(await screen.findByText('Not in English')).toBeTruthy();
    expect(screen.getByText('Clausemark reads English policies; this page is in French.')).toBeTruthy();
    expect(screen.queryByText('Nothing found')).toBeNull();
  });
});
