// @vitest-environment happy-dom
import { createHash } from 'node:crypto';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../components/popup/App';
import type { PopupApi } from '../../components/popup/api';
import { exportFileName, toJsonExport } from '../../lib/export/json';
import { AnnotatedDocumentSchema, EXPORT_SCHEMA_VERSION, type AnnotatedDocument, type ExportedClause } from '../../lib/document/schema';
import { summarize } from '../../lib/document/summarize';
import type { TabState } from '../../lib/extension/messages/tab-state';

// ---------------------------------------------------------------------------------------------------------------
// Fixture: the training clause of Anthropic's consumer privacy policy, as the analyser would export it.
// Offsets are computed from the document text below, so they are real; hashes are real SHA-256 of the text.
// ---------------------------------------------------------------------------------------------------------------

const sha256 = (text: string) => createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex');

const TITLE = 'Privacy Policy \\ Anthropic';
const HEADING = '2. How We Use Your Personal Data';
const TRAINING =
  'We may use your Inputs and Outputs to train our models and improve our Services, unless you opt out through your ' +
  'account settings. Even if you opt out, we will use Inputs and Outputs for model improvement when: (1) your ' +
  'conversations are flagged for safety review to improve our ability to detect harmful content, enforce our ' +
  "policies, or advance AI safety research, or (2) you've explicitly reported the materials to us (for example via " +
  'our feedback mechanisms).';
const RETENTION =
  'If you do not allow us to use your chats to train our models, we retain your Inputs and Outputs in our back-end ' +
  'systems for up to 30 days after you delete them.';
const DOC_TEXT = [
  'Anthropic Privacy Policy',
  'Effective September 28, 2025',
  HEADING,
  TRAINING,
  '3. How We Disclose Personal Data',
  RETENTION,
].join('\n\n');

function at(needle: string, from = 0): { start: number; end: number } {
  const start = DOC_TEXT.indexOf(needle, from);
  if (start < 0) throw new Error(`fixture text not found: ${needle}`);
  return { start, end: start + needle.length };
}

const OPT_OUT_CUE = 'unless you opt out through your account settings';
const EXC1 =
  '(1) your conversations are flagged for safety review to improve our ability to detect harmful content, enforce ' +
  'our policies, or advance AI safety research';
const EXC2 = "(2) you've explicitly reported the materials to us (for example via our feedback mechanisms)";

const HEADLINE = 'Training AI models on your content: happens unless you opt out.';
const STILL_1 = 'Content flagged for a safety or policy review is still used.';
const STILL_2 = 'What you send them as feedback or report to them is still used.';

function clause(id: string, text: string, rest: Partial<ExportedClause> & Pick<ExportedClause, 'topic' | 'labels'>): ExportedClause {
  const { start, end } = at(text);
  return {
    id,
    text,
    start,
    end,
    sha256: sha256(text),
    heading: HEADING,
    optOut: null,
    exceptions: [],
    provision: null,
    selector: {
      type: 'TextQuoteSelector',
      exact: text,
      prefix: DOC_TEXT.slice(Math.max(0, start - 32), start),
      suffix: DOC_TEXT.slice(end, end + 32),
    },
    position: { type: 'TextPositionSelector', start, end },
    link: `https://www.anthropic.com/legal/privacy#:~:text=${encodeURIComponent(text.slice(0, 30))}`,
    why: [],
    ...rest,
  };
}

const trainingClause = clause('c-3', TRAINING, {
  topic: 'model-training',
  labels: ['opt-out', 'exception'],
  optOut: { mechanism: 'settings', target: 'Settings > Privacy', default: 'applies-unless-opt-out', cue: OPT_OUT_CUE, ...at(OPT_OUT_CUE) },
  exceptions: [
    { text: EXC1, ...at(EXC1), plain: STILL_1, cue: 'Even if you opt out', kind: 'continues' },
    { text: EXC2, ...at(EXC2), plain: STILL_2, cue: 'Even if you opt out', kind: 'continues' },
  ],
  provision: {
    id: 'training-on-by-default',
    title: 'Your content trains their AI unless you opt out',
    severity: 'high',
    polarity: 'practice',
    match: 'exact',
    similarity: 1,
    knownClauseId: 'anthropic-consumer-training',
    platform: 'Anthropic',
    recordedAt: '2025-09-28',
  },
  why: ['"unless you opt out" offers an opt-out', '"Even if you opt out" introduces what still happens'],
});

const retentionClause = clause('c-5', RETENTION, {
  topic: 'data-retention',
  labels: ['data-use'],
  heading: '3. How We Disclose Personal Data',
  provision: {
    id: 'retention-after-deletion',
    title: 'Data kept for a while after you delete it',
    severity: 'medium',
    polarity: 'practice',
    match: 'changed',
    similarity: 0.86,
    knownClauseId: 'anthropic-retention-30-days',
    platform: 'Anthropic',
    recordedAt: '2025-08-28',
  },
  why: ['"we retain" describes how long data is kept'],
});

const DOC: AnnotatedDocument = {
  document: {
    schemaVersion: EXPORT_SCHEMA_VERSION,
    url: 'https://www.anthropic.com/legal/privacy',
    title: TITLE,
    sha256: sha256(DOC_TEXT),
    analyzedAt: '2025-10-02T09:15:00.000Z',
    textLength: DOC_TEXT.length,
    tool: { name: 'Clausemark', version: '0.1.0' },
    dataset: { version: '1.4.0', recordedThrough: '2025-09-30' },
  },
  clauses: [trainingClause, retentionClause],
  // The summary is derived from the clauses, as the pipeline derives it.
  summary: summarize([trainingClause, retentionClause], true),
};

const EMPTY_DOC: AnnotatedDocument = {
  ...DOC,
  clauses: [],
  summary: summarize([], true),
};

// ---------------------------------------------------------------------------------------------------------------

const TAB_ID = 42;

/** A mock of the browser side: the background answers `replies` in turn (the last one repeats). */
function mockApi(...replies: unknown[]) {
  let n = 0;
  return {
    getActiveTabId: vi.fn(async (): Promise<number | null> => TAB_ID),
    getTabState: vi.fn(async (_tabId: number): Promise<unknown> => replies[Math.min(n++, replies.length - 1)]),
    analyzeNow: vi.fn(async (_tabId: number): Promise<void> => {}),
    jumpToClause: vi.fn(async (_tabId: number, _clauseId: string): Promise<void> => {}),
  } satisfies PopupApi;
}

const done = (document: AnnotatedDocument): TabState => ({ status: 'done', document });

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('popup: summary', () => {
  it('leads with the headline, how to opt out concretely and the limits of the opt-out, each with its quote', async () => {
    const api = mockApi(done(DOC));
    render(<App api={api} />);

    const summary = await screen.findByRole('region', { name: 'In short' });
    expect(api.getTabState).toHaveBeenCalledWith(TAB_ID);

    const s = within(summary);
    expect(s.getByRole('heading', { name: /^Training AI models on your content: happens unless you opt out\. High concern$/ })).toBeTruthy();
    // one topic of high concern that continues after the opt-out, one of medium concern: the rubric says medium
    expect(summary.querySelector('.overall')!.textContent).toBe('Overall: Medium concern One topic of high concern: training AI models on your content.');
    expect(s.getByText('How to opt out:')).toBeTruthy();
    expect(s.getByText('Go to Settings > Privacy')).toBeTruthy();

    const still = s.getByRole('group', { name: 'Limits of this opt-out:' });
    const lines = [...still.querySelectorAll('li summary')].map((line) => line.textContent);
    expect(lines).toEqual([STILL_1, STILL_2]);
    // the page's own words are one click away, under each sentence
    const quotes = [...still.querySelectorAll('li details blockquote')].map((quote) => quote.textContent);
    expect(quotes).toEqual([EXC1, EXC2]);

    // the topic with nothing to do takes one line, not a card
    expect(s.getByText('Also mentioned, with no opt-out offered: keeping your data.')).toBeTruthy();
    expect(s.queryByRole('heading', { name: /Keeping your data/ })).toBeNull();
  });

  it('opens a quote from the keyboard and jumps to its clause', async () => {
    const api = mockApi(done(DOC));
    render(<App api={api} />);
    const summary = await screen.findByRole('region', { name: 'In short' });
    const line = within(summary).getByText(STILL_1);
    expect(line.tagName).toBe('SUMMARY');
    const details = line.parentElement as HTMLDetailsElement;
    expect(details.open).toBe(false);
    line.click();
    expect(details.open).toBe(true);
    fireEvent.click(within(details).getByRole('button', { name: 'Show on page' }));
    await waitFor(() => expect(api.jumpToClause).toHaveBeenCalledWith(TAB_ID, 'c-3'));
  });

  it('shows the page title and the dataset version and date in the header', async () => {
    render(<App api={mockApi(done(DOC))} />);
    const header = await screen.findByRole('banner');
    await within(header).findByText(TITLE);
    expect(header.textContent).toContain('1.4.0');
    expect(header.textContent).toContain('2025-09-30');
  });

  it('renders page-derived strings as text, never as HTML', async () => {
    const hostile = '<img src=x onerror="alert(1)"><b>bold</b>';
    const doc: AnnotatedDocument = {
      ...DOC,
      document: { ...DOC.document, title: hostile },
      summary: { ...DOC.summary, topics: [{ ...DOC.summary.topics[0]!, headline: hostile }, ...DOC.summary.topics.slice(1)] },
    };
    const { container } = render(<App api={mockApi(done(doc))} />);
    expect((await screen.findAllByText(hostile)).length).toBe(2);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
  });
});

describe('popup: state views', () => {
  it('idle: "Not analysed yet" and "Analyse this page" asks the page to analyse', async () => {
    const api = mockApi({ status: 'idle' }, { status: 'analyzing', done: 1, total: 4 });
    render(<App api={api} />);
    await screen.findByText('Not analysed yet');
    fireEvent.click(screen.getByRole('button', { name: 'Analyse this page' }));
    await waitFor(() => expect(api.analyzeNow).toHaveBeenCalledWith(TAB_ID));
    expect(await screen.findByRole('progressbar')).toBeTruthy();
  });

  it('restricted: explains which pages cannot be read', async () => {
    render(<App api={mockApi({ status: 'restricted', url: 'chrome://extensions/' })} />);
    expect(
      await screen.findByText("Clausemark can't read browser pages, the PDF viewer or the extension store."),
    ).toBeTruthy();
    expect(screen.queryByRole('button', { name: /analyse/i })).toBeNull();
  });

  it('analyzing: shows progress and polls until the analysis is done', async () => {
    const api = mockApi({ status: 'analyzing', done: 3, total: 10 }, done(DOC));
    render(<App api={api} />);
    const bar = await screen.findByRole('progressbar', { name: 'Analysis progress' });
    expect(bar.getAttribute('value')).toBe('3');
    expect(bar.getAttribute('max')).toBe('10');
    expect(screen.getByText('3 of 10 parts read')).toBeTruthy();

    // the next poll (400 ms later) brings the result
    await screen.findByRole('region', { name: 'In short' }, { timeout: 3000 });
    expect(api.getTabState).toHaveBeenCalledTimes(2);
  });

  it('not-a-policy: says so, and "Analyse anyway" calls analyzeNow', async () => {
    const api = mockApi({ status: 'not-a-policy', url: 'https://example.com/blog' });
    render(<App api={api} />);
    await screen.findByText("This page doesn't look like a privacy policy or terms.");
    fireEvent.click(screen.getByRole('button', { name: 'Analyse anyway' }));
    await waitFor(() => expect(api.analyzeNow).toHaveBeenCalledWith(TAB_ID));
    // the stale "not a policy" answer is not shown again while the page starts
    expect(await screen.findByText('Reading this page…')).toBeTruthy();
  });

  it('error: shows the reason', async () => {
    render(<App api={mockApi({ status: 'error', reason: 'The page changed while it was being read.' })} />);
    await screen.findByText('Something went wrong');
    expect(screen.getByText('The page changed while it was being read.')).toBeTruthy();
  });

  it('analyzeNow failing shows an error instead of spinning', async () => {
    const api = mockApi({ status: 'idle' });
    api.analyzeNow.mockRejectedValueOnce(new Error('Cannot access contents of the page.'));
    render(<App api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Analyse this page' }));
    expect(await screen.findByText(/Cannot access contents of the page\./)).toBeTruthy();
  });

  it('done with zero clauses: nothing found', async () => {
    render(<App api={mockApi(done(EMPTY_DOC))} />);
    expect(await screen.findByText(/No opt-outs or data-use clauses found/)).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'In short' })).toBeNull();
  });

  it('an invalid TabState reply shows an error view, not a crash', async () => {
    const invalid = { status: 'done', document: { ...DOC, clauses: [{ ...trainingClause, sha256: 'not-a-hash' }] } };
    render(<App api={mockApi(invalid)} />);
    await screen.findByText('Something went wrong');
    expect(screen.getByText(/couldn't read/)).toBeTruthy();
    expect(screen.queryByText(HEADLINE)).toBeNull();
  });

  it('an unknown status or a failed request also shows an error view', async () => {
    render(<App api={mockApi({ status: 'hacked', html: '<script>1</script>' })} />);
    await screen.findByText('Something went wrong');
    cleanup();

    const api = mockApi();
    api.getTabState.mockRejectedValue(new Error('Extension context invalidated.'));
    render(<App api={api} />);
    expect(await screen.findByText(/Extension context invalidated\./)).toBeTruthy();
  });

  it('no active tab: says there is no page to read', async () => {
    const api = mockApi({ status: 'idle' });
    api.getActiveTabId.mockResolvedValue(null);
    render(<App api={api} />);
    expect(await screen.findByText('No page to read')).toBeTruthy();
    expect(api.getTabState).not.toHaveBeenCalled();
  });
});

describe('popup: clauses', () => {
  it('groups clauses by topic with chips, provision match and the reasons', async () => {
    render(<App api={mockApi(done(DOC))} />);
    const list = await screen.findByRole('region', { name: 'All 2 clauses' });
    // collapsed under the summary, opened by its own summary line
    expect(list.querySelector('details')!.open).toBe(false);
    const l = within(list);
    expect(l.getByRole('heading', { name: /Training AI models on your content/ })).toBeTruthy();
    expect(l.getByRole('heading', { name: /Keeping your data/ })).toBeTruthy();
    expect(l.getByText('Opt-out')).toBeTruthy();
    expect(l.getByText('Exception')).toBeTruthy();
    expect(l.getByText('Same as recorded on 2025-09-28 for Anthropic')).toBeTruthy();
    expect(l.getByText(/^Changed since 2025-08-28/)).toBeTruthy();
    expect(l.getByText('"Even if you opt out" introduces what still happens')).toBeTruthy();
    expect(l.getAllByText('Why is this highlighted?')).toHaveLength(2);
    // long clause text is cut to about 200 characters
    const quote = l.getByText(/^We may use your Inputs and Outputs/);
    expect(quote.textContent!.length).toBeLessThanOrEqual(221);
    expect(quote.textContent!.endsWith('…')).toBe(true);
  });

  it('"Show on page" jumps to that clause', async () => {
    const api = mockApi(done(DOC));
    render(<App api={api} />);
    const list = await screen.findByRole('region', { name: 'All 2 clauses' });
    const buttons = [...list.querySelectorAll('.clause-actions button')] as HTMLButtonElement[];
    expect(buttons).toHaveLength(2);
    fireEvent.click(buttons[1]!);
    await waitFor(() => expect(api.jumpToClause).toHaveBeenCalledWith(TAB_ID, 'c-5'));
    fireEvent.click(buttons[0]!);
    await waitFor(() => expect(api.jumpToClause).toHaveBeenLastCalledWith(TAB_ID, 'c-3'));
  });

  it('says so when the page cannot be reached for a jump', async () => {
    const api = mockApi(done(DOC));
    api.jumpToClause.mockRejectedValue(new Error('Receiving end does not exist.'));
    render(<App api={api} />);
    const list = await screen.findByRole('region', { name: 'All 2 clauses' });
    fireEvent.click(list.querySelector('.clause-actions button')!);
    expect(await screen.findByRole('alert')).toBeTruthy();
  });
});

describe('popup: export', () => {
  it('"Copy JSON" writes JSON that parses and passes the export schema', async () => {
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<App api={mockApi(done(DOC))} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Copy JSON' }));
    await screen.findByText('Copied the JSON to the clipboard');
    expect(writeText).toHaveBeenCalledTimes(1);
    const parsed = AnnotatedDocumentSchema.parse(JSON.parse(writeText.mock.calls[0]![0]));
    expect(parsed).toEqual(DOC);
  });

  it('"Copy JSON" reports a failure in words', async () => {
    const writeText = vi.fn(async (_text: string) => {
      throw new Error('Document is not focused.');
    });
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<App api={mockApi(done(DOC))} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Copy JSON' }));
    expect(await screen.findByText("Couldn't copy: Document is not focused.")).toBeTruthy();
  });

  it('"Download JSON" downloads the document under the right file name', async () => {
    const blobs: Blob[] = [];
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:clausemark/1';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });

    render(<App api={mockApi(done(DOC))} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Download JSON' }));

    const fileName = 'clausemark-privacy-policy-anthropic-anthropic.com-2025-10-02.json';
    await screen.findByText(`Saved as ${fileName}`);
    expect(createObjectURL).toHaveBeenCalledTimes(1);
    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.download).toBe(fileName);
    expect(clicked[0]!.getAttribute('href')).toBe('blob:clausemark/1');
    expect(clicked[0]!.isConnected).toBe(false);
    expect(blobs[0]!.type).toBe('application/json');
    expect(AnnotatedDocumentSchema.parse(JSON.parse(await blobs[0]!.text()))).toEqual(DOC);
  });
});

describe('lib/export/json', () => {
  it('names files with safe characters only', () => {
    const odd = { ...DOC, document: { ...DOC.document, url: 'https://Ex_ample..COM:8080/../privacy?x=<y>' } };
    expect(exportFileName(odd)).toBe('clausemark-privacy-policy-anthropic-ex-ample.com-2025-10-02.json');
    const file = { ...DOC, document: { ...DOC.document, url: 'file:///C:/policy.html', title: '' } };
    expect(exportFileName(file)).toBe('clausemark-policy-2025-10-02.json');
    const nothing = { ...DOC, document: { ...DOC.document, url: 'not a url', title: '  ' } };
    expect(exportFileName(nothing)).toBe('clausemark-document-2025-10-02.json');
    expect(exportFileName(DOC)).toMatch(/^[a-z0-9.-]+\.json$/);
  });

  it('validates before serialising', () => {
    expect(JSON.parse(toJsonExport(DOC))).toEqual(DOC);
    const bad = { ...DOC, document: { ...DOC.document, sha256: 'nope' } };
    expect(() => toJsonExport(bad)).toThrow();
  });
});
