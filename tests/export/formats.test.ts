import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Window } from 'happy-dom';
import { marked } from 'marked';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { annotateFile } from '../../lib/node/cli/annotate';
import { documentFromHtml, loadDocumentFile } from '../../lib/node/cli/load-document';
import { annotate } from '../../lib/pipeline';
import { CSV_COLUMNS, csvCell } from '../../lib/export/csv';
import { EXPORT_FORMAT_IDS, EXPORT_FORMATS, formatFileName, renderExport } from '../../lib/export';
import { markdownLinkTarget, markdownText } from '../../lib/export/markdown';
import { ANNO_CONTEXT, type AnnotationCollection, type WebAnnotation } from '../../lib/export/web-annotation';
import { exportFileName, toJsonExport } from '../../lib/export/json';
import { AnnotatedDocumentSchema, type AnnotatedDocument } from '../../lib/document/schema';
import { exportJsonSchema } from '../../lib/node/schema-docs';
import { normalizeWhitespace } from '../../lib/engine/text/normalize';
import { textFragmentLink } from '../../lib/document/selectors';
import { TOPICS } from '../../lib/engine/model/topics';
import { DEFAULT_WORDS, EXCEPTION_KIND_WORDS, topicTitle } from '../../lib/export/words';

/**
 * The four export formats on real analyses: the Anthropic privacy policy and terms (the CLI's pipeline), and a
 * hostile page whose text tries formula injection, Markdown links and HTML.
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const POLICIES = ['anthropic-privacy-policy', 'anthropic-consumer-terms'];
const POLICY_URL = 'https://www.anthropic.com/legal/privacy';
const TRAINING_START = 'We may use your Inputs and Outputs to train and improve Anthropic AI models';

const HOSTILE_TITLE = '<img src=x onerror=alert(1)> Privacy Policy';
const HOSTILE_URL = 'https://example.com/privacy';
const HOSTILE_HTML = `<!doctype html><html><head><title>&lt;img src=x onerror=alert(1)&gt; Privacy Policy</title></head>
<body><main><h1>Privacy Policy</h1><h2>How we use data</h2>
<p>=HYPERLINK("http://x","y") We may use your Inputs and Outputs to train our models, unless you opt out through your
account settings [click](javascript:alert(1)). Even if you opt out, we will use Inputs and Outputs for model improvement
when: (i) @SUM(1) your conversations are flagged for safety review, or (ii) you've explicitly reported the materials to
us &lt;script&gt;alert(1)&lt;/script&gt;.</p>
<p>-2+3 You can unsubscribe from our marketing emails at any time using the unsubscribe link in each email.</p>
</main></body></html>`;

interface Analysed {
  doc: AnnotatedDocument;
  /** the extracted text the offsets index, loaded on its own through lib/node/cli/load-document.ts */
  text: string;
}

const analysed = new Map<string, Analysed>();
let policy: AnnotatedDocument;
let hostile: AnnotatedDocument;

beforeAll(async () => {
  for (const name of POLICIES) {
    const path = join(repoRoot, 'tests/fixtures/policies', `${name}.md`);
    const doc = await annotateFile(path, POLICY_URL, '0.1.0');
    analysed.set(name, { doc, text: (await loadDocumentFile(path)).extraction.text });
  }
  policy = analysed.get('anthropic-privacy-policy')!.doc;
  const { title, extraction } = documentFromHtml(HOSTILE_HTML, 'hostile');
  hostile = await annotate({
    extraction: extraction,
    url: HOSTILE_URL,
    title,
    looksLikePolicy: true,
    toolVersion: '0.1.0',
  });
}, 60_000);

function trainingClause(doc: AnnotatedDocument) {
  const clause = doc.clauses.find((candidate) => candidate.text.startsWith(TRAINING_START));
  if (!clause) throw new Error('the training clause was not found');
  return clause;
}

// ---------------------------------------------------------------------------------------------------------------

describe('export formats: registry', () => {
  it('names each format with its own extension and MIME type', () => {
    const names = Object.fromEntries(EXPORT_FORMAT_IDS.map((id) => [id, formatFileName(policy, id)]));
    const day = policy.document.analyzedAt.slice(0, 10);
    expect(names).toEqual({
      json: `clausemark-privacy-policy-anthropic.com-${day}.json`,
      csv: `clausemark-privacy-policy-anthropic.com-${day}.csv`,
      md: `clausemark-privacy-policy-anthropic.com-${day}.md`,
      webannotation: `clausemark-privacy-policy-anthropic.com-${day}.jsonld`,
    });
    expect(exportFileName(policy)).toBe(names.json);
    expect(Object.fromEntries(EXPORT_FORMAT_IDS.map((id) => [id, EXPORT_FORMATS[id].mimeType]))).toEqual({
      json: 'application/json',
      csv: 'text/csv;charset=utf-8',
      md: 'text/markdown;charset=utf-8',
      webannotation: 'application/ld+json;profile="http://www.w3.org/ns/anno.jsonld"',
    });
  });

  it('names a file by the title, the host and the day, so two policies of one site on one day do not collide', () => {
    const named = (title: string, url: string) =>
      exportFileName({ ...policy, document: { ...policy.document, title, url, analyzedAt: '2026-12-02T10:00:00.000Z' } }, 'md');
    expect(named('Anthropic Privacy Policy', 'https://www.anthropic.com/legal/privacy')).toBe('clausemark-anthropic-privacy-policy-anthropic.com-2026-12-02.md');
    expect(named('Consumer Terms of Service', 'https://www.anthropic.com/legal/consumer-terms'))
      .not.toBe(named('Privacy Policy', 'https://www.anthropic.com/legal/privacy'));
    // ASCII only: accents dropped, other scripts and symbols left out
    expect(named('Política de Privacidad — Ñandú «2026»', 'https://example.es/privacidad')).toBe('clausemark-politica-de-privacidad-nandu-2026-example.es-2026-12-02.md');
    // no title: the address's path stands in; neither: "document"
    expect(named('', 'https://example.com/legal/privacy-policy.html')).toBe('clausemark-legal-privacy-policy-example.com-2026-12-02.md');
    expect(named('隐私政策', 'https://example.cn/')).toBe('clausemark-example.cn-2026-12-02.md');
    expect(named('', 'about:blank')).toBe('clausemark-blank-2026-12-02.md');
    // a long title is cut at a word, and the whole name stays short
    const long = named('The Very Long Title Of A Privacy Policy That Goes On And On About Everything It Covers In Detail', 'https://example.com/');
    expect(long).toBe('clausemark-the-very-long-title-of-a-privacy-policy-that-goes-on-and-on-example.com-2026-12-02.md');
    for (const name of [long, named('<img src=x> ../../etc/passwd', 'https://a.example/')]) expect(name).toMatch(/^[a-z0-9.-]+$/);
  });

  it('renders every format as a pure function of the document (same input, same bytes)', () => {
    for (const id of EXPORT_FORMAT_IDS) {
      const copy = structuredClone(policy);
      expect(renderExport(copy, id)).toBe(renderExport(policy, id));
      expect(copy).toEqual(policy);
    }
    expect(renderExport(policy, 'json')).toBe(toJsonExport(policy));
  });
});

// ---------------------------------------------------------------------------------------------------------------

type JsonSchema = Record<string, unknown>;

/**
 * A JSON Schema check for exactly the keywords docs/export-schema.json uses. Any other keyword fails the test, so a
 * schema that grows one cannot pass unchecked. Returns the list of problems (empty when valid).
 */
function validate(schema: JsonSchema, value: unknown, path = '$'): string[] {
  const known = new Set(['$schema', '$id', 'title', 'description', 'type', 'properties', 'required', 'additionalProperties',
    'items', 'anyOf', 'enum', 'const', 'pattern', 'format', 'minimum', 'maximum', 'minLength']);
  const unknown = Object.keys(schema).filter((key) => !known.has(key));
  if (unknown.length > 0) return [`${path}: the checker does not know ${unknown.join(', ')}`];
  const problems: string[] = [];
  if (schema.anyOf) {
    const options = schema.anyOf as JsonSchema[];
    if (!options.some((option) => validate(option, value, path).length === 0)) problems.push(`${path}: matches no anyOf option`);
  }
  if (schema.const !== undefined && value !== schema.const) problems.push(`${path}: not ${JSON.stringify(schema.const)}`);
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) problems.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    const ok = types.some((type) => type === actual || (type === 'integer' && Number.isInteger(value)) || (type === 'number' && actual === 'number'));
    if (!ok) return [...problems, `${path}: ${actual} is not ${types.join('|')}`];
  }
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern as string, 'u').test(value)) problems.push(`${path}: does not match ${schema.pattern}`);
    if (schema.minLength !== undefined && [...value].length < (schema.minLength as number)) problems.push(`${path}: too short`);
    if (schema.format === 'date-time' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(value)) {
      problems.push(`${path}: not a date-time`);
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < (schema.minimum as number)) problems.push(`${path}: below minimum`);
    if (schema.maximum !== undefined && value > (schema.maximum as number)) problems.push(`${path}: above maximum`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, index) => problems.push(...validate(schema.items as JsonSchema, item, `${path}[${index}]`)));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in record)) problems.push(`${path}: missing ${key}`);
    for (const [key, child] of Object.entries(record)) {
      if (properties[key]) problems.push(...validate(properties[key], child, `${path}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${path}: unexpected property ${key}`);
    }
  }
  return problems;
}

describe('export formats: JSON', () => {
  const schemaFile = (): JsonSchema => JSON.parse(readFileSync(join(repoRoot, 'docs/export-schema.json'), 'utf8')) as JsonSchema;

  it('passes the zod export schema and keeps every field', () => {
    for (const { doc } of analysed.values()) {
      expect(AnnotatedDocumentSchema.parse(JSON.parse(renderExport(doc, 'json')))).toEqual(doc);
    }
  });

  it.each([
    ['shipped in docs/export-schema.json', schemaFile],
    ['zod generates from lib/document/schema.ts', () => exportJsonSchema() as JsonSchema],
  ])('validates against the JSON Schema %s', (_name, load) => {
    const schema = load();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(['document', 'clauses', 'summary']);
    expect(schema.additionalProperties).toBe(false);
    for (const { doc } of [...analysed.values(), { doc: hostile }]) {
      expect(validate(schema, JSON.parse(renderExport(doc, 'json')))).toEqual([]);
    }
  });

  it('the JSON Schema check rejects what the schema forbids (so passing means something)', () => {
    const schema = schemaFile();
    const exported = JSON.parse(renderExport(policy, 'json')) as AnnotatedDocument;
    const broken = structuredClone(exported) as unknown as { clauses: Array<Record<string, unknown>>; document: Record<string, unknown> };
    delete broken.clauses[0]!.sha256;
    broken.clauses[1]!.topic = 'not-a-topic';
    broken.clauses[2]!.start = -1;
    broken.document.sha256 = 'XYZ';
    broken.document.analyzedAt = 'yesterday';
    broken.document.extra = true;
    const problems = validate(schema, broken);
    expect(problems).toEqual(expect.arrayContaining([
      '$.clauses[0]: missing sha256',
      expect.stringMatching(/^\$\.clauses\[1\]\.topic: "not-a-topic" not in enum/),
      '$.clauses[2].start: below minimum',
      expect.stringMatching(/^\$\.document\.sha256: does not match/),
      '$.document.analyzedAt: not a date-time',
      '$.document: unexpected property extra',
    ]));
  });
});

// ---------------------------------------------------------------------------------------------------------------

type CsvRow = Record<(typeof CSV_COLUMNS)[number], string>;

function parseCsv(csv: string): { rows: CsvRow[]; fields: string[] } {
  const parsed = Papa.parse<CsvRow>(csv, { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return { rows: parsed.data, fields: parsed.meta.fields ?? [] };
}

const FORMULA_START = /^[=+\-@\t\r]/;

describe('export formats: CSV', () => {
  it('has one row per clause and one per exception, with every column, and parses back to the document', () => {
    for (const { doc } of analysed.values()) {
      const { rows, fields } = parseCsv(renderExport(doc, 'csv'));
      expect(fields).toEqual([...CSV_COLUMNS]);
      const exceptionCount = doc.clauses.reduce((sum, clause) => sum + clause.exceptions.length, 0);
      expect(rows).toHaveLength(doc.clauses.length + exceptionCount);
      for (const clause of doc.clauses) {
        const row = rows.find((candidate) => candidate.row_type === 'clause' && candidate.id === clause.id)!;
        expect(row).toBeDefined();
        expect(row).toMatchObject({
          clause_id: clause.id,
          topic: topicTitle(clause.topic),
          topic_id: clause.topic,
          labels: clause.labels.join(' '),
          mechanism: clause.optOut?.mechanism ?? '',
          default: DEFAULT_WORDS[clause.optOut?.default ?? doc.summary.topics.find((topic) => topic.topic === clause.topic)?.default ?? 'unknown'],
          exception_kind: '',
          start: String(clause.start),
          end: String(clause.end),
          sha256: clause.sha256,
          provision_id: clause.provision?.id ?? '',
          provision_match: clause.provision?.match ?? '',
          link: clause.link,
          document_url: doc.document.url,
          captured_at: doc.document.analyzedAt,
          document_sha256: doc.document.sha256,
        });
        expect(row.text.replace(/^'/, '')).toBe(clause.text);
        const exceptionRows = rows.filter((candidate) => candidate.row_type === 'exception' && candidate.clause_id === clause.id);
        expect(exceptionRows.map((candidate) => [candidate.text.replace(/^'/, ''), candidate.plain.replace(/^'/, ''), Number(candidate.start), Number(candidate.end)]))
          .toEqual(clause.exceptions.map((exception) => [exception.text, exception.plain, exception.start, exception.end]));
        expect(exceptionRows.map((candidate) => [candidate.topic, candidate.default, candidate.exception_kind]))
          .toEqual(clause.exceptions.map((exception) => [row.topic, row.default, EXCEPTION_KIND_WORDS[exception.kind]]));
      }
    }
  });

  it('reads as words: topic names, never a slug; a default in every row; the kind of each exception', () => {
    for (const { doc } of analysed.values()) {
      const { rows } = parseCsv(renderExport(doc, 'csv'));
      const topicNames = new Set(TOPICS.map(topicTitle));
      expect(rows.every((row) => topicNames.has(row.topic!))).toBe(true);
      expect(rows.filter((row) => /^[a-z]+(?:-[a-z]+)+$/.test(row.topic!))).toEqual([]);
      expect(rows.filter((row) => row.default === '')).toEqual([]);
      const kinds = new Set(Object.values(EXCEPTION_KIND_WORDS));
      for (const row of rows) expect(row.row_type === 'exception' ? kinds.has(row.exception_kind!) : row.exception_kind === '').toBe(true);
    }
    const { rows } = parseCsv(renderExport(policy, 'csv'));
    // on the privacy policy most rows say whether it happens by default, not just "Not stated"
    expect(rows.filter((row) => row.default !== DEFAULT_WORDS.unknown).length / rows.length).toBeGreaterThan(0.5);
    const training = rows.find((row) => row.id === trainingClause(policy).id)!;
    expect(training).toMatchObject({ topic: 'Training AI models on your content', topic_id: 'model-training', default: 'Happens unless you opt out' });
  });

  it('finds the training clause and its two exceptions', () => {
    const { rows } = parseCsv(renderExport(policy, 'csv'));
    const training = trainingClause(policy);
    const exceptions = rows.filter((row) => row.row_type === 'exception' && row.clause_id === training.id);
    expect(exceptions.map((row) => row.text)).toEqual([
      'your conversations are flagged for safety review to improve our ability to detect harmful content, enforce our policies, or advance AI safety research',
      "you've explicitly reported the materials to us (for example via our feedback mechanisms)",
    ]);
    expect(exceptions.every((row) => row.link.includes('#:~:text='))).toBe(true);
    expect(rows.find((row) => row.id === training.id)?.provision_severity).toBe('high');
  });

  it('follows RFC 4180: CRLF line ends, every field quoted, quotes doubled, line breaks kept inside a field', () => {
    const odd = structuredClone(policy);
    odd.clauses[0]!.text = 'He said "opt out",\r\nthen left; a, b';
    const csv = renderExport(odd, 'csv');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')[0]).toBe(CSV_COLUMNS.map((column) => `"${column}"`).join(','));
    expect(csv).toContain('"He said ""opt out"",\r\nthen left; a, b"');
    expect(csv.replace(/"(?:[^"]|"")*"/g, '').replace(/[,\r\n]/g, '')).toBe(''); // nothing outside quotes but separators
    const { rows } = parseCsv(csv);
    expect(rows[0]!.text).toBe('He said "opt out",\r\nthen left; a, b');
  });

  it('defuses formulas in hostile page text: a leading apostrophe before =, +, -, @, tab and carriage return', () => {
    const { rows } = parseCsv(renderExport(hostile, 'csv'));
    const texts = rows.map((row) => row.text);
    expect(texts).toContain(`'=HYPERLINK("http://x","y") We may use your Inputs and Outputs to train our models, unless you opt out through your account settings [click](javascript:alert(1)). Even if you opt out, we will use Inputs and Outputs for model improvement when: (i) @SUM(1) your conversations are flagged for safety review, or (ii) you've explicitly reported the materials to us <script>alert(1)</script>.`);
    expect(texts).toContain("'@SUM(1) your conversations are flagged for safety review");
    expect(texts).toContain("'-2+3 You can unsubscribe from our marketing emails at any time using the unsubscribe link in each email.");
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(FORMULA_START);

    for (const hostileCell of ['=1+1', '+1', '-1', '@SUM(1)', '\t=1', '\r=1', '＝1+1', '=HYPERLINK("http://x","y")']) {
      const [cell] = Papa.parse<string[]>(csvCell(hostileCell)).data[0]!;
      expect(cell).toBe(`'${hostileCell}`);
    }
    expect(Papa.parse<string[]>(csvCell('plain text')).data[0]![0]).toBe('plain text');
    expect(csvCell(42)).toBe('"42"');
  });
});

// ---------------------------------------------------------------------------------------------------------------

function renderHtml(markdown: string): Document {
  const window = new Window();
  const doc = new window.DOMParser().parseFromString(marked.parse(markdown, { async: false, gfm: true }), 'text/html');
  return doc as unknown as Document;
}

describe('export formats: Markdown report', () => {
  it('opens with title, address, capture time, SHA-256 and dataset version', () => {
    const md = renderExport(policy, 'md');
    const info = policy.document;
    expect(md.split('\n')[0]).toBe(`# Clausemark report: ${info.title}`);
    expect(md).toContain(`- **Page:** <${POLICY_URL}>`);
    expect(md).toContain(`**Captured:** ${info.analyzedAt}`);
    expect(md).toContain(`**SHA-256 of the page text:** ${info.sha256}`);
    expect(md).toContain(`version ${info.dataset!.version}, recorded through ${info.dataset!.recordedThrough}`);
  });

  it('summarises each topic, then quotes each opt-out clause with its exceptions and a link back to the page', () => {
    const md = renderExport(policy, 'md');
    const text = renderHtml(md).body.textContent!;
    for (const topic of policy.summary.topics) {
      expect(text).toContain(topic.headline);
      for (const line of [...topic.how, ...topic.stillAfterOptOut]) expect(text).toContain(line);
    }
    const optOuts = policy.clauses.filter((clause) => clause.optOut !== null || clause.exceptions.length > 0);
    expect(optOuts.length).toBeGreaterThan(0);
    const html = renderHtml(md);
    const quotes = Array.from(html.querySelectorAll('blockquote'), (quote) => quote.textContent!.trim());
    for (const clause of optOuts) {
      expect(quotes).toContain(clause.text);
      for (const exception of clause.exceptions) expect(quotes).toContain(exception.text);
    }
    const links = Array.from(html.querySelectorAll('a'), (anchor) => anchor.getAttribute('href')!);
    const fragmentLinks = links.filter((href) => href.includes('#:~:text=')).map(decodeURIComponent);
    // a link to each clause and each of its exceptions (the links only differ by percent-encoded parentheses)
    for (const clause of optOuts) {
      expect(fragmentLinks).toContain(decodeURIComponent(clause.link));
      for (const exception of clause.exceptions) {
        expect(fragmentLinks).toContain(decodeURIComponent(textFragmentLink(POLICY_URL, exception.text)));
      }
    }
  });

  it('gives clickable links, never inside code; what you can do, the laws, each exception\'s kind, and the promises', () => {
    const md = renderExport(policy, 'md');
    const html = renderHtml(md);
    expect(html.querySelectorAll('code a, a code').length).toBe(0);
    expect(md).not.toMatch(/\[`|`\]\(/);
    const text = html.body.textContent!;
    const training = trainingClause(policy);
    const provision = training.provision!;
    expect(provision.actions!.length).toBeGreaterThan(0);
    expect(text).toContain('What you can do:');
    for (const action of provision.actions!) expect(text).toContain(action.how);
    expect(text).toContain(`Laws: ${provision.regulations!.map((law) => `${law.name} (${law.jurisdiction})`).join('; ')}`);
    for (const exception of training.exceptions) expect(text).toContain(`${EXCEPTION_KIND_WORDS[exception.kind]}: ${exception.plain}`);
    // the actions and laws of one provision are written out once, however many clauses match it
    expect(md.split(provision.actions![0]!.how).length - 1).toBe(1);
    const promises = policy.summary.promises;
    expect(promises.length).toBeGreaterThan(0);
    const promiseSection = text.slice(text.indexOf('What they promise'), text.indexOf('Opt-out clauses'));
    for (const promise of promises) {
      expect(promiseSection).toContain(promise.plain);
      expect(promiseSection).toContain(promise.quote.replace(/\s+/g, ' ').trim());
    }
  });

  it('reads as plain text when pasted: no backslash escapes in the policy texts, white space as written', () => {
    for (const { doc } of analysed.values()) {
      const md = renderExport(doc, 'md');
      expect(md.match(/\\[()[\].!#+\-_*]/g) ?? []).toEqual([]);
      // every quoted text renders as exactly that text
      const texts = doc.clauses.flatMap((clause) => [clause.text, ...clause.exceptions.map((exception) => exception.text)]);
      for (const text of texts) expect(renderHtml(markdownText(text)).body.textContent!.trim()).toBe(text);
    }
  });

  it('leaves hostile page text inert: no HTML element, no working link, the text shown as written', () => {
    const md = renderExport(hostile, 'md');
    const html = renderHtml(md);
    expect(html.querySelectorAll('img, script, iframe, object, embed').length).toBe(0);
    const anchors = Array.from(html.querySelectorAll('a'));
    expect(anchors.length).toBeGreaterThan(0);
    // links to the page, or the page's own web addresses shown as themselves
    for (const anchor of anchors) {
      const href = anchor.getAttribute('href')!;
      expect(href.startsWith(HOSTILE_URL) || (/^https?:/.test(href) && anchor.textContent === href), href).toBe(true);
    }
    expect(html.querySelector('h1')!.textContent).toBe(`Clausemark report: ${HOSTILE_TITLE}`);
    const text = html.body.textContent!;
    expect(text).toContain('[click](javascript:alert(1))');
    expect(text).toContain('<script>alert(1)</script>');
    expect(md).not.toMatch(/(?<!\\)<(?:img|script)|(?<!\\)\]\(javascript:/i);
  });

  it('escapes every Markdown construct in untrusted text, so it renders as exactly that text', () => {
    const nasty = [
      '# not a heading #',
      '- not a list',
      '+ not a list',
      '1. not a list',
      '2) not a list',
      '> not a quote',
      '===',
      '*not emphasis* and _not_ __either__ ~~nor this~~',
      '`not code` and ``neither``',
      '[click](javascript:alert(1)) and ![img](x.png) and [ref][1]',
      '<img src=x onerror=alert(1)> <b>bold</b> <!-- comment -->',
      '&lt;script&gt; and &amp; and &#60;b&#62;',
      '**bold** and *a* b * c and snake_case_name and _under_',
      '(i) one (ii) two [see below] 2. not at the start #hash ! done',
      '[x]: https://evil.example/ a definition? no',
      'see [x][y] and [z][] and Learn more[59] or privacy[at]github[dot]com',
      'a | table | row',
      'back\\slash \\[still text\\]',
      'visit https://evil.example/a_b*c or www.evil.example or mail me@evil.example',
    ];
    for (const input of nasty) {
      const html = renderHtml(markdownText(input));
      const elements = Array.from(html.body.querySelectorAll('*'), (element) => element.tagName);
      expect(elements.filter((tag) => tag !== 'P' && tag !== 'A'), input).toEqual([]);
      // the only links are addresses the text itself spells out, shown as written
      for (const anchor of Array.from(html.body.querySelectorAll('a'))) {
        expect(anchor.getAttribute('href')!.replace(/^mailto:/, '').replace(/^http:\/\/(?=www\.)/, ''), input).toBe(anchor.textContent);
      }
      expect(elements.filter((tag) => tag === 'P'), input).toHaveLength(1);
      expect(html.body.textContent!.trim(), input).toBe(input);
    }
  });

  it('links only web and file addresses, with nothing that can end the link destination', () => {
    expect(markdownLinkTarget('javascript:alert(1)')).toBeNull();
    expect(markdownLinkTarget('data:text/html,<script>')).toBeNull();
    expect(markdownLinkTarget('https://x.example/a (b)<c>"d"')).toBe('https://x.example/a%20%28b%29%3Cc%3E%22d%22');
    const md = renderExport({ ...hostile, document: { ...hostile.document, url: 'javascript:alert(1)' } }, 'md');
    expect(renderHtml(md).querySelectorAll('a[href^="javascript"]').length).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------

/** The text with white space folded as the selectors fold it, and where each of its characters came from. */
function foldedWithMap(text: string): { folded: string; rawIndex: number[] } {
  let folded = '';
  const rawIndex: number[] = [];
  let inSpace = false;
  for (let i = 0; i < text.length; i++) {
    if (/[\s\u00a0\u200b\u200c\u200d\u2060\ufeff]/.test(text[i]!)) {
      inSpace = true;
      continue;
    }
    if (inSpace && folded.length > 0) {
      folded += ' ';
      rawIndex.push(i - 1);
    }
    inSpace = false;
    folded += text[i];
    rawIndex.push(i);
  }
  return { folded, rawIndex };
}

/** Re-anchors a TextQuoteSelector without its position: every raw [start, end) whose text and context fit. */
function anchorQuote(text: string, quote: { exact: string; prefix: string; suffix: string }): Array<[number, number]> {
  const { folded, rawIndex } = foldedWithMap(text);
  const found: Array<[number, number]> = [];
  for (let at = folded.indexOf(quote.exact); at >= 0; at = folded.indexOf(quote.exact, at + 1)) {
    const before = folded.slice(0, at).trimEnd();
    const after = folded.slice(at + quote.exact.length).trimStart();
    if (before.endsWith(quote.prefix) && after.startsWith(quote.suffix)) {
      found.push([rawIndex[at]!, rawIndex[at + quote.exact.length - 1]! + 1]);
    }
  }
  return found;
}

function collection(doc: AnnotatedDocument): AnnotationCollection {
  return JSON.parse(renderExport(doc, 'webannotation')) as AnnotationCollection;
}

describe('export formats: W3C Web Annotation', () => {
  it('is an AnnotationCollection of Annotations, one per clause and one per exception', () => {
    const out = collection(policy);
    expect(out['@context']).toBe(ANNO_CONTEXT);
    expect(out.type).toBe('AnnotationCollection');
    expect(out.first.type).toBe('AnnotationPage');
    const items = out.first.items;
    const exceptionCount = policy.clauses.reduce((sum, clause) => sum + clause.exceptions.length, 0);
    expect(items).toHaveLength(policy.clauses.length + exceptionCount);
    expect(out.total).toBe(items.length);
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
    for (const item of items) {
      expect(item.type).toBe('Annotation');
      expect(item.id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}#[ck]\d+-[0-9a-f]{8}(?:-x\d+)?$/);
      expect(item.created).toBe(policy.document.analyzedAt);
      expect(item.target.source).toBe(POLICY_URL);
      expect(item.target.id.startsWith(`${POLICY_URL}#:~:text=`)).toBe(true);
      expect(item.target.selector.map((selector) => selector.type)).toEqual(['TextQuoteSelector', 'TextPositionSelector']);
      const describing = item.body?.filter((body) => body.purpose === 'describing') ?? [];
      expect(item.motivation).toBe(describing.length > 0 ? 'describing' : 'highlighting');
      for (const body of item.body ?? []) expect(body).toMatchObject({ type: 'TextualBody', format: 'text/plain' });
    }
  });

  it('explains each exception in plain words: what still happens after you opt out', () => {
    const items = collection(policy).first.items;
    const training = trainingClause(policy);
    const clauseItem = items.find((item) => item.id.endsWith(`#${training.id}`))!;
    expect(clauseItem.motivation).toBe('describing');
    expect(clauseItem.body!.find((body) => body.purpose === 'describing')!.value).toContain('Opt-out offer. You can opt out in your account settings.');
    const exceptionItems = items.filter((item) => item.id.includes(`#${training.id}-x`));
    expect(exceptionItems).toHaveLength(2);
    exceptionItems.forEach((item: WebAnnotation, index) => {
      expect(item.motivation).toBe('describing');
      const exception = training.exceptions[index]!;
      expect(item.body!.find((body) => body.purpose === 'describing')!.value).toBe(`${EXCEPTION_KIND_WORDS[exception.kind]}: ${exception.plain}`);
      expect(item.body!.filter((body) => body.purpose === 'tagging').map((body) => body.value)).toEqual(['model-training', 'exception', exception.kind]);
    });
  });

  it('every TextQuoteSelector and TextPositionSelector re-anchors on the same text of the extracted document', () => {
    let anchored = 0;
    for (const [name, { doc, text }] of analysed) {
      expect(text.length, name).toBe(doc.document.textLength);
      for (const item of collection(doc).first.items) {
        const [quote, position] = item.target.selector;
        // the position selector selects exactly the quote's text, and the context is the text either side
        expect(text.slice(position.start, position.end), item.id).toBe(quote.exact);
        expect(text.slice(Math.max(0, position.start - quote.prefix.length), position.start), item.id).toBe(quote.prefix);
        expect(text.slice(position.end, position.end + quote.suffix.length), item.id).toBe(quote.suffix);
        // the quote selector, found by text and context alone (white space folded, as a client may), lands on the position
        const matches = anchorQuote(text, { exact: normalizeWhitespace(quote.exact), prefix: normalizeWhitespace(quote.prefix), suffix: normalizeWhitespace(quote.suffix) });
        expect(matches, item.id).toContainEqual([position.start, position.end]);
        expect(quote.prefix.length + quote.suffix.length, item.id).toBeGreaterThan(0);
        anchored++;
      }
    }
    expect(anchored).toBeGreaterThan(50);
  });

  it('the exceptions of the training clause anchor alone: their quote and context occur once in the document', () => {
    const { doc, text } = analysed.get('anthropic-privacy-policy')!;
    const training = trainingClause(doc);
    const items = collection(doc).first.items.filter((item) => item.id.includes(`#${training.id}`));
    expect(items).toHaveLength(3);
    for (const item of items) {
      const [quote, position] = item.target.selector;
      const folded = { exact: normalizeWhitespace(quote.exact), prefix: normalizeWhitespace(quote.prefix), suffix: normalizeWhitespace(quote.suffix) };
      expect(anchorQuote(text, folded)).toEqual([[position.start, position.end]]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------

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

/**
 * The CLI writing into a pipe whose reader starts late (as `… | less` may), so a large export fills the pipe and the
 * rest waits in the process; exiting then would cut the export short.
 */
function cliIntoLatePipe(args: string[]): Run {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, '--import', 'tsx', 'lib/node/cli/main.ts', ...args].map(quote).join(' ');
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', `${command} | (sleep 5; cat)`], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('export formats: the CLI (--format)', () => {
  const fixture = join(repoRoot, 'tests/fixtures/policies/anthropic-privacy-policy.md');
  /** The two runs differ only in when they ran. */
  const withoutTime = (out: string) => out.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, 'T');

  it.each(['csv', 'md', 'webannotation'] as const)('--format %s prints what the popup exports, and only that', (id) => {
    // The largest export (over the 64 KiB a pipe holds) goes through a pipe that is read late.
    const args = [fixture, '--url', POLICY_URL, '--format', id];
    const run = id === 'webannotation' ? cliIntoLatePipe(args) : cli(args);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/\d+ clauses: \d+ opt-outs, \d+ exceptions/);
    const expected = renderExport(policy, id);
    if (id === 'webannotation') expect(expected.length).toBeGreaterThan(64 * 1024);
    expect(withoutTime(run.stdout)).toBe(withoutTime(expected));
  }, 60_000);

  it('an unknown format: a clear message, exit 2, nothing on stdout', () => {
    const run = cli([fixture, '--format', 'xml']);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--format needs one of json, csv, md, webannotation (got "xml")');
  }, 60_000);

  it('--jsonl stays JSON lines: another format is refused', () => {
    const run = cli(['--jsonl', '--format', 'csv'], '{"id":1,"text":"You can opt out."}\n');
    expect(run.status, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--jsonl always prints JSON lines');
  }, 60_000);
});
