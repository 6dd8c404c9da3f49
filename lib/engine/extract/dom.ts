import { runInSlices, runToEnd } from '../slices';
import type { ExtractedText, TextBlock } from '../model/analysis';

/**
 * DOM → document text with an offset map. The only module of the core that touches DOM objects, and only those it
 * is handed (a Document from the page, or from a DOM library in Node): no globals, so the CLI and the extension
 * extract the same text from the same HTML.
 *
 * Text nodes are copied verbatim, so an offset inside a text node maps linearly to the document text; blocks are
 * joined by a synthetic "\n\n" that belongs to no node.
 *
 * The walk follows the rendered (flat) tree: an element with an open shadow root is read through its shadow tree,
 * and a <slot> through the nodes assigned to it (its own children are only the fallback). Closed shadow roots are
 * invisible to scripts by design, so their text is not read.
 */

export interface TextRun {
  node: Text;
  /** offset of node.data[0] in the document text */
  start: number;
}

export interface LinkSpan {
  start: number;
  end: number;
  href: string;
}

export interface DomExtraction extends ExtractedText {
  runs: TextRun[];
  links: LinkSpan[];
  /** open shadow roots the walk entered (absent when none): a mutation observer must watch them too */
  shadowRoots?: ShadowRoot[];
}

/** How far a sliced walk has got: nodes visited so far and characters of text copied. */
export interface ExtractProgress {
  nodes: number;
  chars: number;
  /**
   * What has been read so far: the text up to here, its blocks (the one being read ends here), its closed links and
   * the runs. Enough for a first look at the start of a long page while the rest is still being read.
   */
  soFar?: () => Pick<DomExtraction, 'text' | 'blocks' | 'links' | 'runs'>;
}

export interface ExtractOptions {
  /** extra visibility test; the browser passes one that asks the layout engine */
  isHidden?: (element: Element) => boolean;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** Never page content: code, embedded objects, form controls, and the extension's own card. */
const SKIPPED_TAGS = new Set([
  'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'MATH', 'IFRAME', 'OBJECT', 'EMBED', 'CANVAS', 'VIDEO',
  'AUDIO', 'BUTTON', 'SELECT', 'OPTION', 'TEXTAREA', 'INPUT', 'NAV', 'DIALOG', 'HEAD', 'TITLE', 'META', 'LINK',
]);
const SKIPPED_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'menu', 'menubar', 'toolbar', 'search', 'dialog']);
const BLOCK_TAGS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BODY', 'BR', 'CAPTION', 'DD', 'DETAILS', 'DIV', 'DL', 'DT',
  'FIELDSET', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI',
  'MAIN', 'OL', 'P', 'PRE', 'SECTION', 'SUMMARY', 'TABLE', 'TBODY', 'TD', 'TFOOT', 'TH', 'THEAD', 'TR', 'UL',
]);
const HEADING_LEVEL: Record<string, number> = { H1: 1, H2: 2, H3: 3, H4: 4, H5: 5, H6: 6 };
const WHITESPACE_ONLY = /^[\s\u00a0\u200b]*$/;

/** Attribute-level hiding, the part of visibility that needs no layout engine (so Node sees it too). */
export function isHiddenByMarkup(element: Element): boolean {
  if (element.hasAttribute('hidden') || element.getAttribute('aria-hidden') === 'true') return true;
  if (element.hasAttribute('data-clausemark')) return true;
  const style = element.getAttribute('style');
  return style !== null && /(?:display\s*:\s*none|visibility\s*:\s*hidden)/i.test(style);
}

function isSkipped(element: Element, tag: string, options: ExtractOptions): boolean {
  if (SKIPPED_TAGS.has(tag)) return true;
  // Most elements of a policy (p, li, a, strong…) carry no attributes at all: skip the attribute tests for them.
  if (!element.hasAttributes()) {
    if ((tag === 'HEADER' || tag === 'FOOTER') && !element.closest('main, article, section')) return true;
    return options.isHidden?.(element) ?? false;
  }
  const role = element.getAttribute('role');
  if (role !== null && SKIPPED_ROLES.has(role)) return true;
  // Page chrome: a header or footer of the page itself, not one inside the article.
  if ((tag === 'HEADER' || tag === 'FOOTER') && !element.closest('main, article, section')) {
    return true;
  }
  if (element.getAttribute('contenteditable') === 'true' || element.getAttribute('contenteditable') === '') {
    return true;
  }
  return isHiddenByMarkup(element) || (options.isHidden?.(element) ?? false);
}

function blockKind(tag: string): TextBlock['kind'] {
  if (tag in HEADING_LEVEL) return 'heading';
  if (tag === 'LI' || tag === 'DD' || tag === 'DT') return 'list-item';
  if (tag === 'TD' || tag === 'TH') return 'cell';
  return 'paragraph';
}

/**
 * Walks `root` in document order without recursion (pages nest 10,000 deep), copying the text of every visible text
 * node. Entering or leaving a block element closes the current block.
 */
export function extractFromDom(root: Node, options: ExtractOptions = {}): DomExtraction {
  return runToEnd(extractSteps(root, options, Number.MAX_SAFE_INTEGER));
}

/**
 * The same walk in slices, awaiting `yieldToPage` whenever a slice has run `budgetMs`: a 5 MB page is read without
 * one long main-thread task. The DOM may change between slices; text read from nodes removed meanwhile maps to no
 * range (rangeForOffsets returns null), and the caller's mutation observer asks for a fresh pass.
 */
export async function extractInSlices(
  root: Node,
  options: ExtractOptions,
  yieldToPage: () => Promise<void>,
  onProgress: (progress: ExtractProgress) => void = () => {},
  budgetMs = 8,
  now: () => number = () => performance.now(),
): Promise<DomExtraction> {
  // A pause every 32 nodes: a slice can only end at a pause, and 256 nodes that each ask the layout engine took
  // tens of ms on pages of tiny text nodes.
  return runInSlices(extractSteps(root, options, 32), yieldToPage, onProgress, budgetMs, now);
}

/** The walk as a generator that pauses every `sliceNodes` nodes. */
export function* extractSteps(root: Node, options: ExtractOptions = {}, sliceNodes = 256): Generator<ExtractProgress, DomExtraction> {
  const parts: string[] = [];
  const runs: TextRun[] = [];
  const links: LinkSpan[] = [];
  const shadowRoots: ShadowRoot[] = [];
  const rawBlocks: Array<{ start: number; end: number; kind: TextBlock['kind']; level: number }> = [];
  let length = 0;
  let visited = 0;
  let open: { start: number; kind: TextBlock['kind']; level: number } | null = null;
  // innermost enclosing block element, as a stack of [kind, level]
  const blockStack: Array<[TextBlock['kind'], number]> = [['paragraph', 0]];
  const openLinks: Array<{ start: number; href: string }> = [];

  const closeBlock = (): void => {
    if (open !== null) rawBlocks.push({ start: open.start, end: length, kind: open.kind, level: open.level });
    open = null;
  };
  /** A text node's characters, or the first chunk of a long one: the rest follow through appendMore. */
  const appendText = (node: Text, data: string): void => {
    if (data.length === 0) return;
    if (open === null) {
      if (WHITESPACE_ONLY.test(data) && (data.length === node.length || isWhitespaceOnly(node))) return; // indentation between blocks
      if (length > 0) {
        parts.push('\n\n');
        length += 2;
        for (const link of openLinks) if (link.start === length - 2) link.start = length; // a link opening this block starts after the separator
      }
      const [kind, level] = blockStack[blockStack.length - 1]!;
      open = { start: length, kind, level };
    }
    runs.push({ node, start: length });
    appendMore(data);
  };
  const appendMore = (data: string): void => {
    parts.push(data);
    length += data.length;
  };

  // `runs` is the walk's own array, still growing: the offsets of the runs in it never change.
  const soFar = (): Pick<DomExtraction, 'text' | 'blocks' | 'links' | 'runs'> => {
    const text = parts.join('');
    // The block being read counts up to here: a page-long paragraph still gives a first look (cut like any block).
    const current = open as { start: number; kind: TextBlock['kind']; level: number } | null;
    const blocks = current === null ? rawBlocks : [...rawBlocks, { ...current, end: length }];
    return { text, blocks: trimBlocks(new GroupedText([text]), blocks), links: [...links], runs };
  };

  // Iterative pre/post-order walk. Children are reached one at a time through `nextSibling`, read when the walk
  // gets there: a body of 70,000 children is not listed in one step (100 ms in Firefox's content scripts), and a
  // child inserted or removed meanwhile is read or not as the page is then. (A child removed while it is the
  // last one read ends its list early; the page's change starts a new reading anyway.)
  const stack: WalkEntry[] = [{ node: root, step: 'enter' }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    let node = entry.node;
    if (entry.step === 'first' || entry.step === 'after') {
      const child = entry.step === 'first' ? node : node.nextSibling;
      if (child === null) continue;
      stack.push({ node: child, step: 'after' });
      node = child;
    }
    const exiting = entry.step === 'exit';
    if (++visited % sliceNodes === 0) yield { nodes: visited, chars: length, soFar };
    if (node.nodeType === TEXT_NODE) {
      const text = node as Text;
      if (text.length <= TEXT_CHUNK) {
        appendText(text, text.data);
        continue;
      }
      // A page-long text node is copied out a chunk at a time, with pauses between: reading `data` of 1.6 million
      // characters at once took 12 ms in Firefox (on every read), and joining it 24 ms more.
      const runsBefore = runs.length;
      appendText(text, text.substringData(0, TEXT_CHUNK));
      if (runs.length === runsBefore) continue; // all whitespace, between blocks
      for (let at = TEXT_CHUNK; at < text.length; at += TEXT_CHUNK) {
        yield { nodes: visited, chars: length, soFar };
        appendMore(text.substringData(at, TEXT_CHUNK));
      }
      continue;
    }
    if (node.nodeType !== ELEMENT_NODE) {
      if (!exiting) pushChildren(stack, node, shadowRoots);
      continue;
    }
    const element = node as Element;
    const tag = element.tagName.toUpperCase();
    const isBlock = BLOCK_TAGS.has(tag);
    if (exiting) {
      if (isBlock) {
        closeBlock();
        blockStack.pop();
      }
      if (tag === 'A' && openLinks.length > 0) {
        const link = openLinks.pop()!;
        if (length > link.start) links.push({ start: link.start, end: length, href: link.href });
      }
      continue;
    }
    if (node !== root && isSkipped(element, tag, options)) continue;
    if (isBlock) {
      closeBlock();
      // A paragraph inside a list item (a "loose" Markdown list) is still that list item.
      const inItem = blockStack[blockStack.length - 1]![0] === 'list-item' && (tag === 'P' || tag === 'DIV');
      blockStack.push([inItem ? 'list-item' : blockKind(tag), HEADING_LEVEL[tag] ?? 0]);
    }
    if (tag === 'A') openLinks.push({ start: length, href: element.getAttribute('href') ?? '' });
    stack.push({ node, step: 'exit' });
    pushChildren(stack, node, shadowRoots);
  }
  closeBlock();

  // A 5 MB page is tens of thousands of parts: joined a group at a time, with a pause between groups. The groups
  // are then only concatenated, never copied into one string here: the engine keeps such a concatenation as a
  // rope, and what reads the text takes slices of it (the parts sent to the background). One 5 MB join took
  // 74-95 ms in Firefox's content script.
  const groups: string[] = [];
  for (let i = 0; i < parts.length;) {
    // At most JOIN_GROUP parts or about JOIN_GROUP_CHARS characters a group: joining costs by the character.
    let end = i;
    for (let chars = 0; end < parts.length && end - i < JOIN_GROUP && (chars < JOIN_GROUP_CHARS || end === i); end++) chars += parts[end]!.length;
    groups.push(parts.slice(i, end).join(''));
    i = end;
    yield { nodes: visited, chars: length };
  }
  const text = groups.reduce((joined, group) => joined + group, '');
  const grouped = new GroupedText(groups);
  const blocks: TextBlock[] = [];
  for (let i = 0; i < rawBlocks.length; i += JOIN_GROUP) {
    blocks.push(...trimBlocks(grouped, rawBlocks.slice(i, i + JOIN_GROUP)));
    yield { nodes: visited, chars: length };
  }
  const extraction: DomExtraction = { text, blocks, runs, links };
  if (shadowRoots.length > 0) extraction.shadowRoots = shadowRoots;
  return extraction;
}

/** Parts joined (and blocks trimmed) between two pauses at the end of a walk. */
const JOIN_GROUP = 4096;
const JOIN_GROUP_CHARS = 262_144;
/** Past this, a text node is read in chunks of this many characters, a pause between two. */
const TEXT_CHUNK = 65_536;

/** A long text node that is whitespace only, read a chunk at a time. */
function isWhitespaceOnly(node: Text): boolean {
  for (let at = 0; at < node.length; at += TEXT_CHUNK) if (!WHITESPACE_ONLY.test(node.substringData(at, TEXT_CHUNK))) return false;
  return true;
}

type Slot = Element & { assignedNodes?: () => Node[] };

/**
 * A step of the walk: `enter` a node (its subtree follows), `exit` an element (after its subtree), `first` enter a
 * first child whose siblings follow, `after` enter the next sibling of the node (and so on).
 */
interface WalkEntry {
  node: Node;
  step: 'enter' | 'exit' | 'first' | 'after';
}

/**
 * The children as rendered: an open shadow root's children replace the host's light children, and a slot shows the
 * nodes assigned to it (its own children only when nothing is assigned).
 */
function pushChildren(stack: WalkEntry[], node: Node, shadowRoots: ShadowRoot[]): void {
  if (node.nodeType === ELEMENT_NODE) {
    const shadow = (node as Element).shadowRoot;
    if (shadow) {
      shadowRoots.push(shadow);
      pushFirstChild(stack, shadow);
      return;
    }
    const slot = node as Slot;
    if (slot.tagName.toUpperCase() === 'SLOT' && typeof slot.assignedNodes === 'function') {
      const assigned = slot.assignedNodes();
      if (assigned.length > 0) {
        // Assigned nodes are not siblings of each other: all pushed, last-first so they pop in document order.
        for (let i = assigned.length - 1; i >= 0; i--) stack.push({ node: assigned[i]!, step: 'enter' });
        return;
      }
    }
  }
  pushFirstChild(stack, node);
}

function pushFirstChild(stack: WalkEntry[], parent: Node): void {
  if (parent.firstChild !== null) stack.push({ node: parent.firstChild, step: 'first' });
}

/**
 * The longest block handed to the analysis. Real paragraphs stay below it (the longest in the shared corpus is about
 * 3,500 characters); a page-long paragraph without punctuation would otherwise become one clause, and the
 * classifier's cost grows faster than linearly with a clause's length (a 20,000-character clause already takes
 * 60–90 ms, one long main-thread task). Longer blocks are cut at white space; the text and its offsets are unchanged.
 */
export const MAX_BLOCK_CHARS = 10_000;

/** The concatenation of strings, read without joining them: a character, or the last one of a kind before an offset. */
class GroupedText {
  private readonly starts: number[] = [];
  /** the group of the last offset asked for: offsets come mostly in order */
  private current = 0;

  constructor(private readonly groups: string[]) {
    let at = 0;
    for (const group of groups) {
      this.starts.push(at);
      at += group.length;
    }
  }

  charAt(offset: number): string {
    const group = this.groupOf(offset);
    return this.groups[group]?.[offset - this.starts[group]!] ?? '';
  }

  /** String.prototype.lastIndexOf for one character, group by group (each searched natively). */
  lastIndexOf(char: string, from: number): number {
    for (let group = this.groupOf(from); group >= 0; group--) {
      const found = this.groups[group]!.lastIndexOf(char, from - this.starts[group]!);
      if (found >= 0) return this.starts[group]! + found;
      from = this.starts[group]! - 1;
    }
    return -1;
  }

  private groupOf(offset: number): number {
    const { starts, groups } = this;
    if (offset >= starts[this.current]! && offset < starts[this.current]! + groups[this.current]!.length) return this.current;
    this.current = lastStartingAtOrBefore(starts.length, (index) => starts[index]!, offset);
    return this.current;
  }
}

/** Block boundaries shrunk to their first and last visible character; empty blocks dropped; long ones cut. */
function trimBlocks(text: GroupedText, raw: Array<{ start: number; end: number; kind: TextBlock['kind']; level: number }>): TextBlock[] {
  const blocks: TextBlock[] = [];
  const push = (start: number, end: number, kind: TextBlock['kind'], level: number): void => {
    while (start < end && /\s/.test(text.charAt(start))) start++;
    while (end > start && /\s/.test(text.charAt(end - 1))) end--;
    if (end > start) blocks.push({ start, end, kind, level });
  };
  for (const block of raw) {
    let { start } = block;
    while (block.end - start > MAX_BLOCK_CHARS) {
      const space = text.lastIndexOf(' ', start + MAX_BLOCK_CHARS);
      const cut = space > start + MAX_BLOCK_CHARS / 2 ? space : start + MAX_BLOCK_CHARS;
      push(start, cut, block.kind, block.level);
      start = cut;
    }
    push(start, block.end, block.kind, block.level);
  }
  return blocks;
}

/**
 * The text runs (nodes) the offsets [start, end) reach into: how many, and how much text they hold in all (from the
 * first one's start to the last one's end, whatever part of them the offsets cover). What repainting them costs.
 */
export function runsReached(runs: TextRun[], start: number, end: number): { count: number; chars: number } {
  if (runs.length === 0 || end <= start) return { count: 0, chars: 0 };
  const first = runIndexAt(runs, start);
  const last = runIndexAt(runs, end - 1);
  const lastRun = runs[last]!;
  return { count: last - first + 1, chars: lastRun.start + lastRun.node.length - runs[first]!.start };
}

/** Index of the run holding `offset` (the last run starting at or before it). */
function runIndexAt(runs: TextRun[], offset: number): number {
  return lastStartingAtOrBefore(runs.length, (index) => runs[index]!.start, offset);
}

/** Binary search over `count` ascending starts: the last index whose start is at or before `offset` (0 if none). */
function lastStartingAtOrBefore(count: number, startOf: (index: number) => number, offset: number): number {
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (startOf(mid) <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/*
 * Lengths below are read as `node.length`, never `node.data.length`: `data` copies the whole text into a new string,
 * and a content script in Firefox pays ~60 ms for that on a 1.6-million-character text node, per highlight.
 */

/** Maps document-text offsets back to a DOM Range (null when the nodes have left the document). */
export function rangeForOffsets(doc: Document, runs: TextRun[], start: number, end: number): Range | null {
  if (runs.length === 0 || end <= start) return null;
  const first = runs[runIndexAt(runs, start)]!;
  const last = runs[runIndexAt(runs, end - 1)]!;
  if (!first.node.isConnected || !last.node.isConnected) return null;
  const range = doc.createRange();
  range.setStart(first.node, Math.min(Math.max(0, start - first.start), first.node.length));
  range.setEnd(last.node, Math.min(Math.max(0, end - last.start), last.node.length));
  return range;
}

/** The text nodes and in-node offsets covering [start, end): what the <mark> fallback wraps. */
export function nodeSlicesForOffsets(runs: TextRun[], start: number, end: number): Array<{ node: Text; from: number; to: number }> {
  const slices: Array<{ node: Text; from: number; to: number }> = [];
  for (let i = runIndexAt(runs, start); i < runs.length; i++) {
    const run = runs[i]!;
    if (run.start >= end) break;
    const from = Math.max(0, start - run.start);
    const to = Math.min(run.node.length, end - run.start);
    if (to > from) slices.push({ node: run.node, from, to });
  }
  return slices;
}
