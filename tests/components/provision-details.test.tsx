// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ProvisionDetails } from '../../components/popup/ProvisionDetails';
import { bundledMatcher } from '../../lib/knowledge/dataset/load';
import { ProvisionMatchSchema, type ProvisionMatch } from '../../lib/document/schema';
import { normalizedSha256 } from '../../lib/engine/text/hash';

afterEach(cleanup);

const matcher = bundledMatcher();
const known = matcher.knownById('claude-privacy-model-training')!;
const type = matcher.type(known.provisionType)!;

/** The recorded training clause with two words swapped, matched the way the background matches it. */
async function changedMatch(): Promise<ProvisionMatch> {
  const text = known.text.replace('train and improve', 'train and enhance').replace('account settings', 'privacy settings');
  const match = matcher.match({ text, sha256: await normalizedSha256(text), topic: 'model-training' });
  expect(match?.match).toBe('changed');
  expect(ProvisionMatchSchema.safeParse(match).success).toBe(true);
  return match!;
}

describe('ProvisionDetails', () => {
  it('shows title, severity in words, and "Changed since DATE" with a diff marked by <ins> and <del>', async () => {
    const provision = await changedMatch();
    const { container } = render(<ProvisionDetails provision={provision} />);
    expect(screen.getByText(type.title)).toBeTruthy();
    const severity = screen.getByText('High concern');
    expect(severity.className).toContain('severity-high'); // the colour comes with the class; the words say it too
    expect(screen.getByText(new RegExp(`^Changed since ${known.recordedAt} \\(recorded for ${known.platform}\\)`))).toBeTruthy();

    // two replacements: "improve" → "enhance", "account" → "privacy"
    expect(screen.getByText('What changed (2 edits)')).toBeTruthy();
    const diff = container.querySelector('.provision-diff-text')!;
    const inserted = [...diff.querySelectorAll('ins')].map((node) => node.textContent);
    const deleted = [...diff.querySelectorAll('del')].map((node) => node.textContent);
    expect(inserted.join(' ')).toMatch(/\[added: .*enhance.*\]/);
    expect(inserted.join(' ')).toMatch(/privacy/);
    expect(deleted.join(' ')).toMatch(/\[removed: .*improve.*\]/);
    expect(deleted.join(' ')).toMatch(/account/);
    // non-colour cues: underline for insertions, strike-through for deletions, and a legend that says so
    for (const node of diff.querySelectorAll('ins')) expect(node.className).toBe('diff-ins'); // components/common.css: underline
    for (const node of diff.querySelectorAll('del')) expect(node.className).toBe('diff-del'); // components/common.css: line-through
    const css = readFileSync(join(import.meta.dirname, '..', '..', 'components', 'common.css'), 'utf8');
    expect(css).toMatch(/\.diff-ins \{[^}]*text-decoration: underline/);
    expect(css).toMatch(/\.diff-del \{[^}]*text-decoration: line-through/);
    expect(container.textContent).toContain('words are new');
    // the unchanged words are shown as they are
    expect(diff.textContent).toContain('We may use your Inputs and Outputs to train and');
  });

  it('shows the explanation, impact, what you can do, the rules with their jurisdiction, and how others handle it', async () => {
    const provision = await changedMatch();
    render(<ProvisionDetails provision={provision} />);
    expect(screen.getByText(type.explanation)).toBeTruthy();
    expect(screen.getByText(type.impact)).toBeTruthy();
    const actions = screen.getByRole('heading', { name: 'What you can do' }).nextElementSibling as HTMLElement;
    for (const action of type.actions) expect(within(actions).getByText(action.title)).toBeTruthy();
    const rules = screen.getByRole('heading', { name: 'Rules that apply' }).nextElementSibling as HTMLElement;
    for (const regulation of type.regulations) expect(within(rules).getByText(`${regulation.name} (${regulation.jurisdiction})`)).toBeTruthy();
    const others = screen.getByRole('heading', { name: 'How others handle this' }).nextElementSibling as HTMLElement;
    const items = within(others).getAllByRole('listitem');
    expect(items.length).toBe(provision.others!.length);
    expect(items.length).toBeLessThanOrEqual(8);
    const heads = items.map((item) => item.querySelector('.provision-other-head')!.textContent!);
    expect(heads.some((line) => line.startsWith(`${known.platform}:`))).toBe(false);
    for (const line of heads) expect(line).toMatch(/^.+: (opt-out, no exceptions|opt-out with \d+ exceptions?|no opt-out|only with consent.*)$/);
  });

  it('quotes each other platform\'s recorded clause and links to it in a new tab', async () => {
    const provision = await changedMatch();
    render(<ProvisionDetails provision={provision} />);
    const others = screen.getByRole('heading', { name: 'How others handle this' }).nextElementSibling as HTMLElement;
    const items = within(others).getAllByRole('listitem');
    provision.others!.forEach((other, i) => {
      const item = items[i]!;
      expect(item.querySelector('blockquote')!.textContent).toBe(`“${other.quote}”`);
      const link = within(item).getByRole('link');
      expect(link.getAttribute('href')).toBe(other.link);
      expect(link.getAttribute('href')).toMatch(/^https:\/\/[^#]+#:~:text=/);
      expect(link.getAttribute('target')).toBe('_blank');
      expect(link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(link.textContent).toBe(`Read it in ${other.documentTitle}`);
      if (other.exceptions!.length > 0) expect(item.textContent).toContain(`Exceptions: ${other.exceptions!.join('; ')}.`);
    });
  });

  it('lists where to complain, with the regulator linked, those of the laws the page names first', async () => {
    const provision = await changedMatch();
    const lawsNamed = [{ id: 'lgpd', name: 'LGPD', title: 'Lei Geral de Proteção de Dados', jurisdiction: 'BR', quote: 'Brazilian General Data Protection Law', start: 10, end: 47, mentions: 3 }];
    render(<ProvisionDetails provision={provision} lawsNamed={lawsNamed} />);
    const list = screen.getByRole('heading', { name: 'Where to complain' }).nextElementSibling as HTMLElement;
    const items = within(list).getAllByRole('listitem');
    expect(items.length).toBe(provision.complaints!.length);
    // Brazil's regulator first: the page names the LGPD
    expect(items[0]!.textContent).toMatch(/^Autoridade Nacional de Proteção de Dados \(ANPD\) \(BR\): /);
    for (const route of provision.complaints!) {
      const link = within(list).getByRole('link', { name: route.authority });
      expect(link.getAttribute('href')).toBe(route.url);
      expect(link.getAttribute('target')).toBe('_blank');
    }
    expect(within(list).getByRole('link', { name: 'Federal Trade Commission (FTC)' }).getAttribute('href')).toBe('https://reportfraud.ftc.gov/');
    expect(within(list).getByRole('link', { name: "Information Commissioner's Office (ICO)" })).toBeTruthy();
    // the laws the page names, with the page's words
    const laws = screen.getByRole('heading', { name: 'Laws this page names' }).nextElementSibling as HTMLElement;
    expect(laws.textContent).toBe('LGPD (BR) — “Brazilian General Data Protection Law”, named 3 times');
  });

  it('marks the rules that belong to a law the page names', () => {
    const provision = matcher.exactMatch(known, 'hash')!;
    const regulations = provision.regulations!.map((regulation) => (regulation.name.startsWith('GDPR') ? { ...regulation, namedByPage: true } : regulation));
    render(<ProvisionDetails provision={{ ...provision, regulations }} />);
    const rules = screen.getByRole('heading', { name: 'Rules that apply' }).nextElementSibling as HTMLElement;
    const lines = within(rules).getAllByRole('listitem').map((item) => item.textContent);
    expect(lines).toContain('GDPR Art. 21 (EU) — named by this page');
    expect(lines).toContain('UK GDPR Art. 21 (UK)');
  });

  it('links only to http(s) addresses: a stored javascript: link is shown as text', () => {
    const provision = matcher.exactMatch(known, 'hash')!;
    const hostile = {
      ...provision,
      others: [{ ...provision.others![0]!, link: 'javascript:alert(1)' }],
      complaints: [{ jurisdiction: 'XX', authority: 'Somewhere', url: 'javascript:alert(2)', how: 'Do something there.' }],
    };
    const { container } = render(<ProvisionDetails provision={hostile} />);
    expect([...container.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([]);
    expect(container.textContent).toContain('Somewhere (XX): Do something there.');
  });

  it('says "Same as recorded" for an exact match, and shows no diff', () => {
    const provision = matcher.exactMatch(known, 'hash')!;
    const { container } = render(<ProvisionDetails provision={provision} />);
    expect(screen.getByText(`Same as recorded on ${known.recordedAt} for ${known.platform}`)).toBeTruthy();
    expect(container.querySelector('.provision-diff')).toBeNull();
  });

  it('renders a match from an older document without the optional details', () => {
    const provision: ProvisionMatch = {
      id: 'data-retention',
      title: 'How long your data is kept',
      severity: 'medium',
      polarity: 'practice',
      match: 'type',
      similarity: 0.62,
      knownClauseId: null,
      platform: null,
      recordedAt: null,
    };
    const { container } = render(<ProvisionDetails provision={provision} />);
    expect(screen.getByText('How long your data is kept')).toBeTruthy();
    expect(screen.getByText('Medium concern')).toBeTruthy();
    expect(screen.getByText(/62% sure/)).toBeTruthy();
    expect(container.querySelector('details')).toBeNull();
  });

  it('gives a weak type match no severity badge: a guess is not graded', () => {
    const provision: ProvisionMatch = {
      id: 'arbitration-class-action-waiver',
      title: 'Arbitration instead of court, and no class actions',
      severity: 'high',
      polarity: 'practice',
      match: 'type',
      similarity: 0.57,
      knownClauseId: null,
      platform: null,
      recordedAt: null,
    };
    render(<ProvisionDetails provision={provision} />);
    expect(screen.getByText('Arbitration instead of court, and no class actions')).toBeTruthy();
    expect(screen.getByText(/57% sure/)).toBeTruthy();
    expect(screen.queryByText('High concern')).toBeNull();
  });

  it('renders markup in the data as text, never as HTML', () => {
    const provision: ProvisionMatch = {
      ...matcher.exactMatch(known, 'hash')!,
      explanation: '<img src=x onerror=alert(1)> plain',
      diff: [{ op: 'added', text: '<b>bold</b>' }],
      match: 'changed',
    };
    const { container } = render(<ProvisionDetails provision={provision} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)> plain');
    expect(container.textContent).toContain('<b>bold</b>');
  });
});
