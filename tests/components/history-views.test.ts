// @vitest-environment happy-dom
import { createHash } from 'node:crypto';
import { h } from 'preact';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChangesView } from '../../components/popup/ChangesView';
import { HistoryView, type HistoryApi } from '../../components/popup/HistoryView';
import { compareAnalyses, type ComparableAnalysis } from '../../lib/document/history/compare';
import type { HistoryEntry } from '../../lib/document/history/schema';

/** The popup's history and change views on their own, with a mock background. */
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function visit(texts: string[], analyzedAt: string): ComparableAnalysis {
  return {
    document: { sha256: sha(texts.join('\n')), analyzedAt },
    clauses: texts.map((text, i) => ({ id: `c-${i}`, text, sha256: sha(text), topic: 'data-retention', labels: ['data-use'] })),
  };
}

const KEEP = 'We keep your conversations for 30 days after you delete them.';
const SHARE = 'We share your data with advertising partners.';
const NEW = 'You can opt out of research surveys by emailing us.';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('ChangesView', () => {
  it('shows the date, the counts, and each kind with insert/delete marks that carry words', () => {
    const changes = compareAnalyses(
      visit([KEEP, SHARE], '2026-01-05T08:00:00.000Z'),
      visit([KEEP.replace('30', '90'), NEW], '2026-02-01T08:00:00.000Z'),
    );
    const { container } = render(h(ChangesView, { changes }));
    const panel = screen.getByRole('region', { name: 'Changed since your last visit (2026-01-05)' });
    expect(panel.textContent).toContain('1 clause reworded, 1 added, 1 removed; 0 unchanged.');
    const reworded = within(panel).getByRole('list', { name: 'Reworded' });
    expect(within(reworded).getByText('Keeping your data')).toBeTruthy();
    expect(Array.from(reworded.querySelectorAll('del'), (node) => node.textContent)).toEqual(['[removed: 30]']);
    expect(Array.from(reworded.querySelectorAll('ins'), (node) => node.textContent)).toEqual(['[added: 90]']);
    expect(within(panel).getByRole('list', { name: 'Added' }).querySelector('ins')?.textContent).toBe(`[added: ${NEW}]`);
    expect(within(panel).getByRole('list', { name: 'Removed' }).querySelector('del')?.textContent).toBe(`[removed: ${SHARE}]`);
    expect(container.querySelector('script, img')).toBeNull();
  });

  it('an unchanged page gets one quiet line; a page whose clauses stayed says so', () => {
    const same = compareAnalyses(visit([KEEP], '2026-01-05T08:00:00.000Z'), visit([KEEP], '2026-02-01T08:00:00.000Z'));
    render(h(ChangesView, { changes: same }));
    expect(screen.getByText('Unchanged since your last visit (2026-01-05).')).toBeTruthy();
    expect(screen.queryByRole('region')).toBeNull();
    cleanup();

    const textOnly = { ...same, documentChanged: true };
    render(h(ChangesView, { changes: textOnly, since: 'the visit before' }));
    expect(screen.getByRole('region', { name: 'Changed since the visit before (2026-01-05)' })).toBeTruthy();
    expect(screen.getByText(/none of the clauses Clausemark reads did/)).toBeTruthy();
  });

  it('renders hostile clause text as text', () => {
    const hostile = '<img src=x onerror="alert(1)"> We sell your data.';
    const changes = compareAnalyses(visit([], '2026-01-05T08:00:00.000Z'), visit([hostile], '2026-02-01T08:00:00.000Z'));
    const { container } = render(h(ChangesView, { changes }));
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain(hostile);
  });
});

const ENTRY: HistoryEntry = {
  id: 4,
  url: 'https://example.com/privacy',
  host: 'example.com',
  title: 'Example Privacy Policy',
  analyzedAt: '2026-02-01T08:00:00.000Z',
  sha256: 'a'.repeat(64),
  clauseCount: 12,
  optOutCount: 3,
  exceptionCount: 1,
  changedSincePrevious: true,
};

function mockHistoryApi(entries: unknown = [ENTRY]) {
  return {
    listHistory: vi.fn(async (): Promise<unknown> => ({ ok: true, entries })),
    getHistoryEntry: vi.fn(async (_id: number): Promise<unknown> => ({ ok: false, error: 'no stored analysis with id 4' })),
    deleteAllData: vi.fn(async (): Promise<unknown> => ({ ok: true })),
    openOptions: vi.fn(async (): Promise<void> => {}),
  } satisfies HistoryApi;
}

describe('HistoryView', () => {
  it('lists entries with host, date, counts and the change marker', async () => {
    render(h(HistoryView, { api: mockHistoryApi() }));
    const button = await screen.findByRole('button', { name: 'Example Privacy Policy' });
    const meta = document.getElementById(button.getAttribute('aria-describedby')!)!;
    expect(meta.textContent).toBe('example.com · analysed 2026-02-01 08:00 UTC · 3 opt-outs, 1 exception · changed since the visit before');
    expect(screen.getByText('1 analysis stored on this computer, newest first.')).toBeTruthy();
  });

  it('an unreadable reply is an error in words, not a crash', async () => {
    render(h(HistoryView, { api: mockHistoryApi([{ ...ENTRY, id: 'four' }]) }));
    expect(await screen.findByText(/Couldn't load the history/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Example Privacy Policy' })).toBeNull();
  });

  it('an entry that cannot be opened says why and offers the way back', async () => {
    const api = mockHistoryApi();
    render(h(HistoryView, { api }));
    fireEvent.click(await screen.findByRole('button', { name: 'Example Privacy Policy' }));
    expect(await screen.findByText('no stored analysis with id 4')).toBeTruthy();
    expect(api.getHistoryEntry).toHaveBeenCalledWith(4);
    fireEvent.click(screen.getByRole('button', { name: 'Back to history' }));
    expect(await screen.findByRole('button', { name: 'Example Privacy Policy' })).toBeTruthy();
  });

  it('deletes only after the confirmation, then shows the empty history', async () => {
    const api = mockHistoryApi();
    render(h(HistoryView, { api }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete all stored data' }));
    expect(api.deleteAllData).not.toHaveBeenCalled();
    const group = screen.getByRole('group', { name: /Delete every stored analysis/ });
    fireEvent.click(within(group).getByRole('button', { name: 'Cancel' }));
    expect(api.deleteAllData).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Delete all stored data' }));
    api.listHistory.mockResolvedValue({ ok: true, entries: [] });
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete everything' }));
    await waitFor(() => expect(api.deleteAllData).toHaveBeenCalledTimes(1));
    expect(await screen.findByText('All stored data deleted. Settings are back to their defaults.')).toBeTruthy();
    expect(await screen.findByText('No analyses are stored.')).toBeTruthy();
  });

  it('a refused deletion says so', async () => {
    const api = mockHistoryApi();
    api.deleteAllData.mockResolvedValue({ ok: false, error: "rejected \"delete-all-data\": only the extension's own pages may send it" });
    render(h(HistoryView, { api }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete all stored data' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete everything' }));
    expect(await screen.findByText(/^Couldn't delete: rejected "delete-all-data"/)).toBeTruthy();
  });
});
