import type { AnnotatedDocument, ExportedClause, ProvisionMatch, Severity } from '../document/schema';
import { MECHANISM_NAMES, type DefaultRegime } from '../engine/model/topics';
import { textFragmentLink } from '../document/selectors';
import { plural } from '../engine/text/format';
import { EXCEPTION_KIND_WORDS, topicTitle } from './words';

/**
 * The Markdown report: something to paste into a ticket or an email, and readable as plain text where it is not
 * rendered. What the page said is untrusted text, so it goes through `markdownText`, which leaves nothing a Markdown
 * renderer would turn into markup or HTML. It escapes only the characters that would be markup where they stand
 * (CommonMark and GitHub's extensions), so "(i)", "2." or "a_b" stay as written instead of showing backslashes. The
 * page's own web and mail addresses become autolinks (`<https://…>`); every other link is built here from the
 * document's address.
 */

/** Addresses in page text: web addresses with a scheme and mail addresses, shown as autolinks. */
const ADDRESS = /\bhttps?:\/\/[^\s<>|`"'()[\]{}\\]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gi;
/** Punctuation that ends a sentence rather than an address ("see https://x.example/privacy."). */
const ADDRESS_TRAILER = /[.,;:!?*_~]+$/;
/** A "]" later on that goes on as a link or a reference would: "](", "][" or "]:". */
const LINK_CLOSE = /\][([:]/;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
const WORD_CHAR = /[\p{L}\p{N}]/u;
const SPACE = /\s/;
/** "&lt;" would be decoded into "<" by the renderer: an entity-looking ampersand is kept literal. */
const ENTITY = /^&(?:#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/i;

export type MarkdownPlace = 'line-start' | 'inline';

/** Whether the character at `i` of `text` would be read as markup there, so it needs a backslash. */
function needsEscape(text: string, i: number): boolean {
  const char = text[i]!;
  const before = text[i - 1] ?? ' ';
  const after = text[i + 1] ?? ' ';
  const spaced = SPACE.test(before) && SPACE.test(after);
  switch (char) {
    case '\\':
      return i === text.length - 1 || ASCII_PUNCTUATION.test(after);
    case '`':
      return true;
    case '*':
    case '~':
      return !spaced;
    case '_':
      // Inside a word an underscore never starts or ends emphasis.
      return !spaced && !(WORD_CHAR.test(before) && WORD_CHAR.test(after));
    case '[':
      // A bracket only links when a "]" goes on with "(" or "[" (a link or a reference), or opens a line (a
      // definition); "[59]" or "[at]" in running text stays as written.
      return i === 0 || LINK_CLOSE.test(text.slice(i + 1));
    case ']':
      return /[([:]/.test(after) && text.lastIndexOf('[', i) >= 0;
    case '<':
      return /[a-z/!?]/i.test(after);
    case '&':
      return ENTITY.test(text.slice(i));
    case '#':
      // A heading's closing sequence: "#"s at the very end after a space.
      return /^#+\s*$/.test(text.slice(i)) && SPACE.test(before);
    default:
      return false;
  }
}

/** What would open a block at the start of a line: a list item, a heading, a quote, a rule or an underline. */
const BLOCK_START = /^(?:[-+*](?=\s|$)|#{1,6}(?=\s|$)|>|[-*_=](?=(?:\s*[-*_=]){2,}\s*$)|=+\s*$)/;
const ORDERED_START = /^(\d{1,9})([.)])(?=\s|$)/;

function escapeRun(text: string, whole: string, offset: number): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += needsEscape(whole, offset + i) ? `\\${text[i]}` : text[i];
  return out;
}

/** Untrusted text as inert Markdown on one line: white space folded, markup escaped where it would act. */
export function markdownText(text: string, place: MarkdownPlace = 'line-start'): string {
  const flat = text.replace(/[\s\u00a0\u200b]+/g, ' ').trim();
  let out = '';
  let last = 0;
  for (const match of flat.matchAll(ADDRESS)) {
    const address = match[0].replace(ADDRESS_TRAILER, '');
    if (address.length === 0) continue;
    out += escapeRun(flat.slice(last, match.index), flat, last);
    out += `<${address}>`;
    last = match.index + address.length;
  }
  out += escapeRun(flat.slice(last), flat, last);
  if (place === 'inline') return out;
  if (ORDERED_START.test(out)) return out.replace(ORDERED_START, '$1\\$2');
  return BLOCK_START.test(out) && !out.startsWith('\\') ? `\\${out}` : out;
}

/**
 * A link destination the renderer cannot misread: only web and file addresses, with every character that could
 * end or escape the destination percent-encoded. Anything else is not linked at all.
 */
export function markdownLinkTarget(url: string): string | null {
  if (!/^(?:https?|file):/i.test(url)) return null;
  return url.replace(/[\s\x00-\x1f\x7f<>()[\]"'`\\{}|^]/g, (char) =>
    Array.from(new TextEncoder().encode(char), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/** `[label](url)` for a label of the report's own words, or the label alone when the address cannot be linked. */
function link(label: string, url: string): string {
  const target = markdownLinkTarget(url);
  return target === null ? label : `[${label}](${target})`;
}

/** An address shown as itself and clickable: `<https://…>`, or the escaped text when it cannot be linked. */
function autolink(url: string): string {
  const target = markdownLinkTarget(url);
  return target === null ? markdownText(url, 'inline') : `<${target}>`;
}

const SEVERITY_WORDS: Record<Severity, string> = { high: 'high concern', medium: 'medium concern', low: 'low concern' };
const REGIME_WORDS: Record<DefaultRegime, string> = {
  'applies-unless-opt-out': 'happens unless you opt out',
  'only-if-opt-in': 'only happens if you agree to it',
  unknown: 'the text does not say whether it happens by default',
};

const MATCH_WORDS: Record<NonNullable<ExportedClause['provision']>['match'], string> = {
  exact: 'same text as recorded',
  changed: 'changed since it was recorded',
  type: 'the same kind of clause as recorded ones',
};



function summarySection(doc: AnnotatedDocument): string[] {
  const { summary } = doc;
  const out = ['## In short', ''];
  const overall = summary.severity ? `Overall: ${SEVERITY_WORDS[summary.severity]}. ` : '';
  out.push(
    `${overall}Found ${plural(summary.clauseCount, 'clause', 'clauses')}: ${plural(summary.optOutCount, 'opt-out', 'opt-outs')}, ` +
      `${plural(summary.exceptionCount, 'exception', 'exceptions')} to them.`,
    '',
  );
  for (const topic of summary.topics) {
    out.push(`### ${markdownText(topic.headline || topicTitle(topic.topic), 'inline')}`, '');
    const facts = [topicTitle(topic.topic), REGIME_WORDS[topic.default]];
    if (topic.severity) facts.push(SEVERITY_WORDS[topic.severity]);
    out.push(`*${markdownText(facts.join(' · '), 'inline')}*`, '');
    if (!topic.canOptOut) out.push('**No opt-out offered.**', '');
    else if (topic.how.length === 0) out.push('**How to opt out:** the text does not say how.', '');
    else {
      out.push('**How to opt out:**', '');
      for (const line of topic.how) out.push(`- ${markdownText(line)}`);
      out.push('');
    }
    if (topic.stillAfterOptOut.length > 0) {
      out.push('**Limits of this opt-out:**', '');
      for (const line of topic.stillAfterOptOut) out.push(`- ${markdownText(line)}`);
      out.push('');
    }
  }
  return out;
}

/** What you can do and the laws, for a provision the first time it comes up; a pointer back after that. */
function provisionLines(provision: ProvisionMatch, firstAt: Map<string, number>, number: number): string[] {
  const { title, severity, match } = provision;
  const concern = severity === null ? 'a promise, not a concern' : SEVERITY_WORDS[severity];
  const out = [`**Known provision:** ${markdownText(title, 'inline')} (${concern}; ${MATCH_WORDS[match]})`, ''];
  const actions = provision.actions ?? [];
  const laws = provision.regulations ?? [];
  if (actions.length === 0 && laws.length === 0) return out;
  const earlier = firstAt.get(provision.id);
  if (earlier !== undefined) {
    out.push(`What you can do and the laws that apply: as for clause ${earlier} above.`, '');
    return out;
  }
  firstAt.set(provision.id, number);
  if (actions.length > 0) {
    out.push('**What you can do:**', '');
    for (const action of actions) {
      out.push(`- **${markdownText(action.title.replace(/[.:]\s*$/, ''), 'inline')}:** ${markdownText(action.how, 'inline')}`);
    }
    out.push('');
  }
  if (laws.length > 0) {
    const names = laws.map((law) => `${law.name} (${law.jurisdiction})`).join('; ');
    out.push(`**Laws:** ${markdownText(names, 'inline')}`, '');
  }
  return out;
}

function clauseSection(doc: AnnotatedDocument, clause: ExportedClause, number: number, firstAt: Map<string, number>): string[] {
  const out = [`### ${number}. ${markdownText(topicTitle(clause.topic), 'inline')} (${markdownText(clause.id, 'inline')})`, ''];
  if (clause.heading) out.push(`Under “${markdownText(clause.heading, 'inline')}”:`, '');
  out.push(`> ${markdownText(clause.text)}`, '', link('Open this clause on the page', clause.link), '');
  if (clause.optOut) {
    const target = clause.optOut.target ? `: ${clause.optOut.target}` : '';
    out.push(`**How to opt out:** ${markdownText(`${MECHANISM_NAMES[clause.optOut.mechanism]}${target}`, 'inline')}`, '');
  }
  if (clause.exceptions.length > 0) {
    out.push(`**Limits of this opt-out** (${plural(clause.exceptions.length, 'exception', 'exceptions')}):`, '');
    clause.exceptions.forEach((exception, index) => {
      out.push(
        `${index + 1}. ${EXCEPTION_KIND_WORDS[exception.kind]}: ${markdownText(exception.plain, 'inline')}`,
        '',
        `   > ${markdownText(exception.text)}`,
        '',
        `   ${link('Open this exception on the page', textFragmentLink(doc.document.url, exception.text))}`,
        '',
      );
    });
  }
  if (clause.provision) out.push(...provisionLines(clause.provision, firstAt, number));
  return out;
}

/** What the page promises the company does not do: each promise once, in plain words, quoted, with a link to it. */
function promiseSection(doc: AnnotatedDocument): string[] {
  const lines = doc.summary.promises.map((promise) => {
    const quote = promise.quote.replace(/\s+/g, ' ').trim();
    return `- ${markdownText(topicTitle(promise.topic), 'inline')}: ${markdownText(promise.plain, 'inline')} “${markdownText(quote, 'inline')}” ${link('Open on the page', textFragmentLink(doc.document.url, quote))}`;
  });
  if (lines.length === 0) return [];
  return ['## What they promise', '', ...lines, ''];
}

export function toMarkdownExport(doc: AnnotatedDocument): string {
  const info = doc.document;
  const title = info.title.trim() || info.url;
  const out = [`# Clausemark report: ${markdownText(title, 'inline')}`, ''];
  out.push(`- **Page:** ${autolink(info.url)}`);
  out.push(`- **Captured:** ${markdownText(info.analyzedAt, 'inline')}`);
  out.push(`- **SHA-256 of the page text:** ${info.sha256}`);
  out.push(
    `- **Known-clause dataset:** ${info.dataset ? markdownText(`version ${info.dataset.version}, recorded through ${info.dataset.recordedThrough}`, 'inline') : 'none used'}`,
  );
  out.push(`- **Tool:** ${markdownText(`${info.tool.name} ${info.tool.version}`, 'inline')}`, '');
  out.push(...summarySection(doc));
  out.push(...promiseSection(doc));

  const optOutClauses = doc.clauses.filter((clause) => clause.optOut !== null || clause.exceptions.length > 0);
  out.push('## Opt-out clauses', '');
  if (optOutClauses.length === 0) out.push('No opt-out offer was found on this page.', '');
  const firstAt = new Map<string, number>();
  optOutClauses.forEach((clause, index) => out.push(...clauseSection(doc, clause, index + 1, firstAt)));
  const others = doc.clauses.length - optOutClauses.length;
  if (others > 0) {
    out.push(`${plural(others, 'other clause was', 'other clauses were')} highlighted; the JSON export lists every clause.`, '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
