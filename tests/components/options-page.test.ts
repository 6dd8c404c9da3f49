// @vitest-environment happy-dom
import { h } from 'preact';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OptionsApp } from '../../components/options/OptionsApp';
import type { SettingsApi } from '../../components/options/api';
import { TOPICS } from '../../lib/engine/model/topics';
import { defaultSettings, type Settings } from '../../lib/extension/settings/settings';

/** The options page with a mock background and a mock permission API. */
function mockApi(initial: unknown = { ok: true, settings: defaultSettings() }, access: boolean | undefined = true) {
  let stored = (initial as { settings?: Settings }).settings ?? defaultSettings();
  const api = {
    getSettings: vi.fn(async (): Promise<unknown> => initial),
    setSettings: vi.fn(async (settings: Settings): Promise<unknown> => {
      stored = settings;
      return { ok: true, settings };
    }),
    hostAccess: vi.fn(async (): Promise<boolean> => access ?? false),
    requestHostAccess: vi.fn(async (): Promise<boolean> => true),
    onHostAccessChange: vi.fn((_callback: () => void) => () => {}),
  } satisfies Required<SettingsApi>;
  return { api, stored: () => stored };
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const automaticBox = () => screen.findByRole('checkbox', { name: 'Annotate privacy policies and terms automatically' });

describe('options page', () => {
  it('shows the stored settings: one labelled checkbox per topic, automatic and high contrast', async () => {
    const mine: Settings = { automatic: false, hiddenTopics: ['advertising'], highContrast: true };
    const { api } = mockApi({ ok: true, settings: mine });
    render(h(OptionsApp, { api }));
    expect(((await automaticBox()) as HTMLInputElement).checked).toBe(false);
    expect((screen.getByRole('checkbox', { name: 'High-contrast highlights' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('checkbox', { name: 'Targeted advertising' }) as HTMLInputElement).checked).toBe(false);
    expect((screen.getByRole('checkbox', { name: 'Training AI models on your content' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getAllByRole('checkbox')).toHaveLength(TOPICS.length + 2);
    expect(screen.getByRole('group', { name: 'Highlight opt-outs about…' })).toBeTruthy();
  });

  it('saves each change at once, whole and valid, and says so', async () => {
    const { api, stored } = mockApi();
    render(h(OptionsApp, { api }));
    fireEvent.click(await automaticBox());
    await screen.findByText('Saved.');
    expect(api.setSettings).toHaveBeenLastCalledWith({ automatic: false, hiddenTopics: [], highContrast: false });

    fireEvent.click(screen.getByRole('checkbox', { name: 'Children\'s data' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Training AI models on your content' }));
    await waitFor(() => expect(api.setSettings).toHaveBeenCalledTimes(3));
    // topics in the usual order, whatever the order of the clicks
    expect(stored().hiddenTopics).toEqual(['model-training', 'children']);

    fireEvent.click(screen.getByRole('button', { name: 'Highlight none' }));
    await waitFor(() => expect(stored().hiddenTopics).toEqual([...TOPICS]));
    fireEvent.click(screen.getByRole('button', { name: 'Highlight every topic' }));
    await waitFor(() => expect(stored().hiddenTopics).toEqual([]));
  });

  it('a refused save is reported in words', async () => {
    const { api } = mockApi();
    api.setSettings.mockResolvedValueOnce({ ok: false, error: 'rejected settings that do not match the schema' });
    render(h(OptionsApp, { api }));
    fireEvent.click(await screen.findByRole('checkbox', { name: 'High-contrast highlights' }));
    expect(await screen.findByText('Not saved: rejected settings that do not match the schema')).toBeTruthy();
  });

  it('an unreadable answer when loading is an error, not a form with made-up values', async () => {
    const { api } = mockApi({ ok: true, settings: { automatic: 'maybe' } });
    render(h(OptionsApp, { api }));
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(screen.queryByRole('checkbox')).toBeNull();
  });

  it('says whether the browser lets Clausemark read pages by itself, and asks for it from a click', async () => {
    const { api } = mockApi(undefined, false);
    render(h(OptionsApp, { api }));
    const allow = await screen.findByRole('button', { name: 'Allow reading the pages I visit' });
    fireEvent.click(allow);
    expect(api.requestHostAccess).toHaveBeenCalledTimes(1);
    await screen.findByText(/Clausemark may read the pages you visit/);
    expect(screen.queryByRole('button', { name: 'Allow reading the pages I visit' })).toBeNull();
  });

  it('turning automatic reading on without access asks for the access in the same click', async () => {
    const { api } = mockApi({ ok: true, settings: { ...defaultSettings(), automatic: false } }, false);
    api.requestHostAccess.mockResolvedValue(false);
    render(h(OptionsApp, { api }));
    await screen.findByRole('button', { name: 'Allow reading the pages I visit' });
    fireEvent.click(await automaticBox());
    expect(api.requestHostAccess).toHaveBeenCalledTimes(1);
    expect(await screen.findByText('Access not granted: pages are read only when you ask.')).toBeTruthy();
    await waitFor(() => expect(api.setSettings).toHaveBeenLastCalledWith({ ...defaultSettings(), automatic: true }));
  });
});
