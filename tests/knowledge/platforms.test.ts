import { describe, expect, it } from 'vitest';
import { bundledDataset } from '../../lib/knowledge/dataset/load';
import { hostOf, knownPlatformFor, KnownPlatformSchema } from '../../lib/knowledge/platforms';

const dataset = bundledDataset();

describe('dataset platforms and their hosts', () => {
  it('lists every platform a clause names, once, each with at least one host', () => {
    const named = [...new Set(dataset.clauses.map((clause) => clause.platform))].sort();
    expect(dataset.platforms.map((platform) => platform.name).sort()).toEqual(named);
    for (const platform of dataset.platforms) expect(platform.hosts.length, platform.name).toBeGreaterThan(0);
  });

  it('gives each host to one platform only', () => {
    const hosts = dataset.platforms.flatMap((platform) => platform.hosts);
    expect(hosts.filter((host, i) => hosts.indexOf(host) !== i)).toEqual([]);
  });
});

describe('knownPlatformFor', () => {
  it.each([
    ['https://www.anthropic.com/', 'Claude', 'anthropic.com'],
    ['https://claude.ai/new', 'Claude', 'claude.ai'],
    ['https://chatgpt.com/c/123', 'ChatGPT', 'chatgpt.com'],
    ['https://gemini.google.com/app', 'Gemini', 'gemini.google.com'],
    ['https://www.youtube.com/watch?v=x', 'YouTube', 'youtube.com'],
    ['https://x.com/home', 'X (Twitter)', 'x.com'],
    ['https://grok.com/', 'Grok', 'grok.com'],
    ['http://WWW.GitHub.com./settings', 'GitHub', 'github.com'],
  ])('matches %s to %s', (url, name, host) => {
    const platform = knownPlatformFor(url, dataset);
    expect(platform?.name).toBe(name);
    expect(platform?.host).toBe(host);
    expect(KnownPlatformSchema.safeParse(platform).success).toBe(true);
  });

  it.each([
    'https://example.com/',
    'https://notx.com/',
    'https://x.com.example.net/',
    'https://google.com/',
    'javascript:alert(1)',
    'chrome://settings',
    'not a url',
  ])('knows no platform at %s', (url) => {
    expect(knownPlatformFor(url, dataset)).toBeNull();
  });

  it('carries every recorded clause of the platform, with its policy links, promises after practices', () => {
    const platform = knownPlatformFor('https://claude.ai/', dataset)!;
    const recorded = dataset.clauses.filter((clause) => clause.platform === 'Claude');
    expect(platform.clauses.map((clause) => clause.id).sort()).toEqual(recorded.map((clause) => clause.id).sort());
    expect(platform.documents.map((document) => document.url).sort()).toEqual([...new Set(recorded.map((clause) => clause.url))].sort());
    const firstPromise = platform.clauses.findIndex((clause) => clause.polarity === 'promise');
    if (firstPromise >= 0) expect(platform.clauses.slice(firstPromise).every((clause) => clause.polarity === 'promise')).toBe(true);
    // The training clause and its two exceptions, as recorded.
    const training = platform.clauses.find((clause) => clause.id === 'claude-privacy-model-training')!;
    expect(training).toMatchObject({ default: 'applies-unless-opt-out', optOut: 'settings', documentTitle: 'Anthropic Privacy Policy' });
    expect(training.exceptions).toHaveLength(2);
  });

  it('reads hosts only from http(s) addresses', () => {
    expect(hostOf('https://Claude.AI/x')).toBe('claude.ai');
    expect(hostOf('file:///etc/passwd')).toBeNull();
  });
});
