import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnnotatedDocumentSchema, ClauseSchema, type AnnotatedDocument } from '../../lib/document/schema';
import { renderMarkdown } from '../../lib/node/cli/load-document';

/** The CLI run as a real process, the way `npm run annotate` runs it. */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(repoRoot, 'tests/fixtures/policies/anthropic-privacy-policy.md');
const POLICY_URL = 'https://www.anthropic.com/legal/privacy';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], input?: string): Run {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'lib/node/cli/main.ts', ...args], {
    cwd: repoRoot,
    input,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function parseDocument(run: Run): AnnotatedDocument {
  expect(run.stderr).not.toMatch(/unexpected error/);
  expect(run.status).toBe(0);
  // stdout holds the JSON and nothing else
  const trimmed = run.stdout.trim();
  expect(trimmed.startsWith('{')).toBe(true);
  expect(trimmed.endsWith('}')).toBe(true);
  const parsed = AnnotatedDocumentSchema.safeParse(JSON.parse(run.stdout));
  if (!parsed.success) throw new Error(`CLI output fails the export schema: ${parsed.error.message}`);
  return parsed.data;
}

let tmp: string;
let fixtureRun: Run;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'clausemark-cli-'));
  fixtureRun = cli([FIXTURE]);
}, 60_000);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const TRAINING = 'We may use your Inputs and Outputs to train our models, unless you opt out through your account settings.';
const TRAINING_EXCEPTION = 'Even if you opt out, we will use Inputs and Outputs for model improvement when your conversations are flagged for safety review.';
const MARKETING = 'You can unsubscribe from our marketing emails at any time using the unsubscribe link in each email.';

describe('clausemark CLI on a file', () => {
  it('annotates the Anthropic privacy policy: JSON on stdout, messages on stderr', () => {
    const doc = parseDocument(fixtureRun);
    expect(doc.document.url).toBe(pathToFileURL(FIXTURE).href);
    // the title comes from the first heading (a Setext "Privacy Policy\n====" heading in this file)
    expect(doc.document.title).toBe('Privacy Policy');
    expect(doc.document.tool).toEqual({
      name: 'Clausemark',
      version: (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version,
    });
    expect(doc.document.dataset).not.toBeNull();
    expect(doc.summary.looksLikePolicy).toBe(true);
    expect(doc.summary.clauseCount).toBe(doc.clauses.length);
    expect(doc.summary.optOutCount).toBe(doc.clauses.filter((clause) => clause.optOut !== null).length);
    expect(doc.summary.exceptionCount).toBeGreaterThanOrEqual(2);

    const training = doc.clauses.find((clause) =>
      clause.text.includes('We may use your Inputs and Outputs to train and improve Anthropic AI models, unless you opt out through your account settings.'),
    );
    expect(training).toBeDefined();
    expect(training!.topic).toBe('model-training');
    expect(training!.labels).toEqual(['opt-out', 'exception']);
    expect(training!.optOut?.mechanism).toBe('settings');
    expect(training!.optOut?.default).toBe('applies-unless-opt-out');
    expect(training!.exceptions).toHaveLength(2);
    expect(training!.exceptions[0]!.text).toMatch(/^your conversations are flagged for safety review/);
    expect(training!.exceptions[1]!.text).toMatch(/^you've explicitly reported the materials to us/);
    for (const exception of training!.exceptions) {
      expect(exception.start).toBeGreaterThanOrEqual(training!.start);
      expect(exception.end).toBeLessThanOrEqual(training!.end);
    }
    expect(training!.provision?.id).toBe('model-training-user-content');

    // the one human-readable line goes to stderr, with the counts
    const countsLine = `${doc.clauses.length} clauses: ${doc.summary.optOutCount} opt-outs, ${doc.summary.exceptionCount} exceptions`;
    expect(fixtureRun.stderr).toContain(countsLine);
    expect(fixtureRun.stdout).not.toContain(countsLine);
  });

  it('uses --url for the document and every clause link', () => {
    const doc = parseDocument(cli([FIXTURE, '--url', POLICY_URL]));
    expect(doc.document.url).toBe(POLICY_URL);
    expect(doc.clauses.length).toBeGreaterThan(0);
    for (const clause of doc.clauses) {
      expect(clause.link.startsWith(`${POLICY_URL}#:~:text=`)).toBe(true);
    }
    // the same clauses as without --url: only the links differ, and "how others handle it", which leaves out the
    // platform whose own site this is
    const plain = parseDocument(fixtureRun);
    const comparable = (clauses: typeof doc.clauses) =>
      clauses.map(({ link: _link, provision, ...rest }) => ({ ...rest, provision: provision && { ...provision, others: undefined } }));
    expect(comparable(doc.clauses)).toEqual(comparable(plain.clauses));
    const others = (clauses: typeof doc.clauses) => clauses.flatMap((clause) => clause.provision?.others ?? []);
    expect(others(plain.clauses).some((other) => other.platform === 'Claude')).toBe(true);
    expect(others(doc.clauses).some((other) => other.platform === 'Claude')).toBe(false);
  });

  it('accepts --url before the file', () => {
    const doc = parseDocument(cli(['--url', POLICY_URL, FIXTURE]));
    expect(doc.document.url).toBe(POLICY_URL);
  });

  it('annotates an .html file', () => {
    const path = join(tmp, 'policy.html');
    writeFileSync(
      path,
      `<!doctype html><html><head><title>Example Privacy Policy</title><script>var x = "unless you opt out";</script></head><body>
<nav><a href="/">Home</a> You can opt out of nothing here.</nav>
<main><h1>Privacy Policy</h1>
<h2>How we use your data</h2>
<p>${TRAINING} <em>${TRAINING_EXCEPTION}</em></p>
<h2>Marketing</h2>
<p>${MARKETING}</p></main></body></html>`,
    );
    const doc = parseDocument(cli([path]));
    expect(doc.document.title).toBe('Example Privacy Policy');
    expect(doc.document.url).toBe(pathToFileURL(path).href);
    const training = doc.clauses.find((clause) => clause.text.startsWith('We may use your Inputs and Outputs'));
    expect(training?.optOut?.mechanism).toBe('settings');
    expect(training?.heading).toBe('How we use your data');
    expect(training?.exceptions.length).toBe(1);
    expect(training?.exceptions[0]?.text).toContain('flagged for safety review');
    const marketing = doc.clauses.find((clause) => clause.text === MARKETING);
    expect(marketing?.optOut).not.toBeNull();
    expect(marketing?.heading).toBe('Marketing');
    // nothing from the script or the nav
    expect(doc.clauses.some((clause) => clause.text.includes('nothing here'))).toBe(false);
    expect(doc.clauses.some((clause) => clause.text.includes('var x'))).toBe(false);
  });

  it('annotates a .txt file', () => {
    const path = join(tmp, 'policy.txt');
    writeFileSync(path, `How we use your data\n\n${TRAINING}\n${TRAINING_EXCEPTION}\n\n${MARKETING}\n`);
    const doc = parseDocument(cli([path]));
    expect(doc.clauses.length).toBeGreaterThanOrEqual(2);
    const training = doc.clauses.find((clause) => clause.text.startsWith('We may use your Inputs and Outputs'));
    expect(training?.optOut?.mechanism).toBe('settings');
    expect(training?.labels).toContain('exception');
    expect(training?.exceptions[0]?.text).toContain('flagged for safety review');
    const marketing = doc.clauses.find((clause) => clause.text === MARKETING);
    expect(marketing?.labels).toEqual(['opt-out']);
    // offsets index the text the CLI extracted: the text of the clause is the file's own words
    const source = readFileSync(path, 'utf8');
    expect(source).toContain(marketing!.text);
  });

  it('gives the same clauses for a Markdown policy and its rendered HTML', () => {
    const markdown = readFileSync(FIXTURE, 'utf8');
    const htmlPath = join(tmp, 'anthropic-privacy-policy.html');
    writeFileSync(htmlPath, renderMarkdown(markdown, 'anthropic-privacy-policy.md'));
    const fromHtml = parseDocument(cli([htmlPath, '--url', POLICY_URL]));
    const fromMarkdown = parseDocument(cli([FIXTURE, '--url', POLICY_URL]));
    expect(fromHtml.clauses.length).toBeGreaterThan(10);
    expect(fromHtml.clauses.map((clause) => clause.text)).toEqual(fromMarkdown.clauses.map((clause) => clause.text));
    expect(fromHtml.clauses).toEqual(fromMarkdown.clauses);
    expect(fromHtml.document.sha256).toBe(fromMarkdown.document.sha256);
    expect(fromHtml.document.textLength).toBe(fromMarkdown.document.textLength);
    expect(fromHtml.summary).toEqual(fromMarkdown.summary);
    expect(fromHtml.document.title).toBe(fromMarkdown.document.title);
  });
});

describe('clausemark CLI: bad input', () => {
  function expectFailure(run: Run, message: RegExp): void {
    expect(run.status).not.toBe(0);
    expect(run.status).not.toBeNull();
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);
  }

  it('a missing file', () => {
    const path = join(tmp, 'does-not-exist.md');
    const run = cli([path]);
    expectFailure(run, /cannot read .*does-not-exist\.md: no such file/);
    expect(run.stderr).toMatch(/usage:/);
  });

  it('an empty file', () => {
    const path = join(tmp, 'empty.md');
    writeFileSync(path, '');
    expectFailure(cli([path]), /empty\.md is empty/);
  });

  it('a file of white space only', () => {
    const path = join(tmp, 'blank.txt');
    writeFileSync(path, ' \n\n\t \n');
    expectFailure(cli([path]), /blank\.txt holds only white space/);
  });

  it('a binary file', () => {
    const path = join(tmp, 'image.html');
    writeFileSync(path, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48]));
    expectFailure(cli([path]), /image\.html looks binary \(it contains NUL bytes\)/);
  });

  it('a file that is not UTF-8', () => {
    const path = join(tmp, 'latin1.txt');
    writeFileSync(path, Buffer.from('Vous pouvez vous d\xe9sinscrire \xe0 tout moment.', 'latin1'));
    expectFailure(cli([path]), /latin1\.txt is not valid UTF-8 text/);
  });

  it('a directory', () => {
    expectFailure(cli([tmp]), /is not a file/);
  });

  it('an unknown option', () => {
    const run = cli([FIXTURE, '--frobnicate']);
    expectFailure(run, /unknown option --frobnicate/);
    expect(run.stderr).toMatch(/usage:/);
  });

  it('--url without a value', () => {
    expectFailure(cli([FIXTURE, '--url']), /--url needs a value/);
  });

  it('two files', () => {
    expectFailure(cli([FIXTURE, FIXTURE]), /one file at a time/);
  });

  it('no arguments', () => {
    const run = cli([]);
    expectFailure(run, /no input file given/);
    expect(run.stderr).toMatch(/usage:/);
  });

  it('--help prints the usage on stderr and exits 0', () => {
    const run = cli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^usage: npm run annotate/);
  });
});

describe('clausemark CLI --jsonl', () => {
  const withOptOut = `${TRAINING} ${TRAINING_EXCEPTION}`;
  const withoutOptOut = 'The sky over the harbour was grey all morning.';

  function parseLines(stdout: string): Array<{ id: unknown; clauses: unknown[] }> {
    expect(stdout.endsWith('\n')).toBe(true);
    return stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: unknown; clauses: unknown[] });
  }

  it('prints one line per input line, each {id, clauses}', () => {
    const input = [
      JSON.stringify({ id: 'a', text: withOptOut }),
      JSON.stringify({ id: 'b', text: withoutOptOut }),
      JSON.stringify({ id: 3, text: MARKETING }),
    ].join('\n');
    const run = cli(['--jsonl'], `${input}\n`);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const lines = parseLines(run.stdout);
    expect(lines.map((line) => line.id)).toEqual(['a', 'b', 3]);
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(['clauses', 'id']);
      for (const clause of line.clauses) expect(ClauseSchema.safeParse(clause).success).toBe(true);
    }
    const a = lines[0]!.clauses.map((clause) => ClauseSchema.parse(clause));
    expect(a).toHaveLength(1);
    expect(a[0]!.labels).toEqual(['opt-out', 'exception']);
    expect(a[0]!.optOut?.mechanism).toBe('settings');
    expect(a[0]!.exceptions).toHaveLength(1);
    expect(a[0]!.exceptions[0]!.text).toContain('flagged for safety review');
    // offsets index the line's own text
    expect(withOptOut.slice(a[0]!.start, a[0]!.end)).toBe(a[0]!.text);
    const exception = a[0]!.exceptions[0]!;
    expect(withOptOut.slice(exception.start, exception.end)).toBe(exception.text);
    expect(lines[1]!.clauses).toEqual([]);
    expect(ClauseSchema.parse(lines[2]!.clauses[0]).optOut?.mechanism).toBe('unsubscribe-link');
  });

  it('accepts input without a final newline and skips blank lines', () => {
    const run = cli(['--jsonl'], `\n${JSON.stringify({ id: 'x', text: withOptOut })}\n\n${JSON.stringify({ id: 'y', text: withoutOptOut })}`);
    expect(run.status).toBe(0);
    expect(parseLines(run.stdout).map((line) => line.id)).toEqual(['x', 'y']);
  });

  it('reports a malformed line by number, still processes the good ones, and exits 1', () => {
    const input = [
      JSON.stringify({ id: 'first', text: withOptOut }),
      '{"id": "broken", "text": ',
      JSON.stringify({ id: 'second', text: withoutOptOut }),
      JSON.stringify({ id: 'no-text' }),
      JSON.stringify({ id: 'third', text: MARKETING }),
    ].join('\n');
    const run = cli(['--jsonl'], `${input}\n`);
    expect(run.status).toBe(1);
    const lines = parseLines(run.stdout);
    expect(lines.map((line) => line.id)).toEqual(['first', 'second', 'third']);
    expect(lines[0]!.clauses.length).toBe(1);
    expect(run.stderr).toMatch(/^line 2: skipped/m);
    expect(run.stderr).toMatch(/^line 4: skipped/m);
    expect(run.stderr).not.toMatch(/line [135]\b/);
    expect(run.stdout).not.toContain('skipped');
  });

  it('with empty stdin prints nothing and exits 0', () => {
    const run = cli(['--jsonl'], '');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
  });
});
