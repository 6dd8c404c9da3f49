import type { AnnotatedDocument, ExportedClause } from '../document/schema';
import { MECHANISM_NAMES, TOPIC_NAMES, type DefaultRegime } from '../engine/model/topics';
import type { Severity } from '../document/schema';
import { capitalize, plural } from '../engine/text/format';

/**
 * The Markdown report: something to paste into a ticket or an email. What the page said is untrusted text, so it
 * goes through `markdownText`, which leaves nothing a Markdown renderer would turn into markup, HTML or a link; the
 * only links in the report are the ones built here from the document's address.
 */

/** Renders that read these characters as syntax: emphasis, links, images, code, HTML, headings, tables, strike. */
const MARKDOWN_SPECIAL = /[\\`*_[\]()<>#|~!{}]/g;
/** "&lt;" would be decoded into "<" by the renderer: keep an entity-looking ampersand literal. */
const ENTITY_AMPERSAND = /&(?=#?[a-z0-9]+;)/gi;
/** Line starts a renderer would read as a list item, a quote or a setext underline ("#" is escaped everywhere). */
const BLOCK_START = /^(?:[-+=]|(\d+)[.)])/;
/** Addresses GFM renderers would link on their own: shown as code instead, so they stay plain text. */
const BARE_ADDRESS = /\b(?:https?:\/\/|www\.)[^\s<>|`"'()[\]{}]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gi;

function codeSpan(text: string): string {
  const longestRun = Math.max(0, ...Array.from(text.matchAll(/`+/g), (match) => match[0].length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function escapePlain(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, '\\$&').replace(ENTITY_AMPERSAND, '\\&');
}

/** Untrusted text as inert Markdown on one line: white space folded, syntax escaped, bare addresses as code. */
export function markdownText(text: string): string {
  const flat = text.replace(/[\s\u00a0\u200b]+/g, ' ').trim();
  let out = '';
  let last = 0;
  for (const match of flat.matchAll(BARE_ADDRESS)) {
    out += escapePlain(flat.slice(last, match.index));
    out += codeSpan(match[0]);
    last = match.index + match[0].length;
  }
  out += escapePlain(flat.slice(last));
  return out.replace(BLOCK_START, (start: string, digits?: string) =>
    digits === undefined ? `\\${start}` : `${digits}\\${start.slice(digits.length)}`,
  );
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

/** `[label](url)` with an escaped label, or the escaped label alone when the address cannot be linked safely. */
function link(label: string, url: string): string {
  const target = markdownLinkTarget(url);
  return target === null ? markdownText(label) : `[${markdownText(label)}](${target})`;
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
    out.push(`### ${markdownText(topic.headline || capitalize(TOPIC_NAMES[topic.topic]))}`, '');
    const facts = [capitalize(TOPIC_NAMES[topic.topic]), REGIME_WORDS[topic.default]];
    if (topic.severity) facts.push(SEVERITY_WORDS[topic.severity]);
    out.push(`*${markdownText(facts.join(' · '))}*`, '');
    if (!topic.canOptOut) out.push('**No opt-out offered.**', '');
    else if (topic.how.length === 0) out.push('**How to opt out:** the text does not say how.', '');
    else {
      out.push('**How to opt out:**', '');
      for (const line of topic.how) out.push(`- ${markdownText(line)}`);
      out.push('');
    }
    if (topic.stillAfterOptOut.length > 0) {
      out.push('**Still happens after you opt out:**', '');
      for (const line of topic.stillAfterOptOut) out.push(`- ${markdownText(line)}`);
      out.push('');
    }
  }
  return out;
}

function clauseSection(clause: ExportedClause, number: number): string[] {
  const out = [`### ${number}. ${markdownText(capitalize(TOPIC_NAMES[clause.topic]))} (${markdownText(clause.id)})`, ''];
  if (clause.heading) out.push(`Under “${markdownText(clause.heading)}”:`, '');
  out.push(`> ${markdownText(clause.text)}`, '');
  if (clause.optOut) {
    const target = clause.optOut.target ? `: ${clause.optOut.target}` : '';
    out.push(`**How to opt out:** ${markdownText(`${MECHANISM_NAMES[clause.optOut.mechanism]}${target}`)}`, '');
  }
  if (clause.provision) {
    const { title, severity, match } = clause.provision;
    const concern = severity === null ? 'a promise, not a concern' : SEVERITY_WORDS[severity];
    out.push(`**Known provision:** ${markdownText(title)} (${concern}; ${MATCH_WORDS[match]})`, '');
  }
  if (clause.exceptions.length > 0) {
    out.push(`**Still happens after you opt out** (${plural(clause.exceptions.length, 'exception', 'exceptions')}):`, '');
    clause.exceptions.forEach((exception, index) => {
      out.push(`${index + 1}. ${markdownText(exception.plain)}`, '', `   > ${markdownText(exception.text)}`, '');
    });
  }
  out.push(link('Open this clause on the page', clause.link), '');
  return out;
}

export function toMarkdownExport(doc: AnnotatedDocument): string {
  const info = doc.document;
  const title = info.title.trim() || info.url;
  const out = [`# Clausemark report: ${markdownText(title)}`, ''];
  out.push(`- **Page:** ${link(info.url, info.url)}`);
  out.push(`- **Captured:** ${markdownText(info.analyzedAt)}`);
  out.push(`- **SHA-256 of the page text:** ${codeSpan(info.sha256)}`);
  out.push(
    `- **Known-clause dataset:** ${info.dataset ? markdownText(`version ${info.dataset.version}, recorded through ${info.dataset.recordedThrough}`) : 'none used'}`,
  );
  out.push(`- **Tool:** ${markdownText(`${info.tool.name} ${info.tool.version}`)}`, '');
  out.push(...summarySection(doc));

  const optOutClauses = doc.clauses.filter((clause) => clause.optOut !== null || clause.exceptions.length > 0);
  out.push('## Opt-out clauses', '');
  if (optOutClauses.length === 0) out.push('No opt-out offer was found on this page.', '');
  optOutClauses.forEach((clause, index) => out.push(...clauseSection(clause, index + 1)));
  const others = doc.clauses.length - optOutClauses.length;
  if (others > 0) {
    out.push(`${plural(others, 'other clause was', 'other clauses were')} highlighted; the JSON export lists every clause.`, '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
