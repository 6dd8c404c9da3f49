// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import {
  extractFromDom,
  isHiddenByMarkup,
  nodeSlicesForOffsets,
  rangeForOffsets,
  type DomExtraction,
} from '../../lib/engine/extract/dom';
import { sentenceSpans } from '../../lib/engine/segment/sentences';
import { analyze } from '../../lib/engine/analyze';

function page(html: string): DomExtraction {
  document.body.innerHTML = html;
  return extractFromDom(document.body);
}

function blockTexts(extraction: DomExtraction): string[] {
  return extraction.blocks.map((block) => extraction.text.slice(block.start, block.end));
}

/** Offsets of `needle` in the extracted text (it must occur once). */
function offsetsOf(extraction: DomExtraction, needle: string): { start: number; end: number } {
  const start = extraction.text.indexOf(needle);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(extraction.text.indexOf(needle, start + 1)).toBe(-1);
  return { start, end: start + needle.length };
}

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('extractFromDom: blocks', () => {
  it('copies paragraphs, joined by a blank line', () => {
    const extraction = page('<p>First paragraph.</p>\n  <p>Second paragraph.</p>');
    expect(extraction.text).toBe('First paragraph.\n\nSecond paragraph.');
    expect(extraction.blocks).toEqual([
      { start: 0, end: 16, kind: 'paragraph', level: 0 },
      { start: 18, end: 35, kind: 'paragraph', level: 0 },
    ]);
  });

  it('marks headings with their level', () => {
    const extraction = page('<h1>Privacy Policy</h1><h2>1. Data</h2><p>Text.</p><h3>1.1 Details</h3><h6>Fine print</h6>');
    expect(blockTexts(extraction)).toEqual(['Privacy Policy', '1. Data', 'Text.', '1.1 Details', 'Fine print']);
    expect(extraction.blocks.map((block) => [block.kind, block.level])).toEqual([
      ['heading', 1],
      ['heading', 2],
      ['paragraph', 0],
      ['heading', 3],
      ['heading', 6],
    ]);
  });

  it('marks list items (li, dt, dd)', () => {
    const extraction = page(
      '<p>We use data when:</p><ul><li>you ask us to;</li><li>the law requires it.</li></ul>' +
        '<ol><li>First step</li></ol><dl><dt>Term</dt><dd>Definition</dd></dl>',
    );
    expect(blockTexts(extraction)).toEqual([
      'We use data when:',
      'you ask us to;',
      'the law requires it.',
      'First step',
      'Term',
      'Definition',
    ]);
    expect(extraction.blocks.map((block) => block.kind)).toEqual([
      'paragraph',
      'list-item',
      'list-item',
      'list-item',
      'list-item',
      'list-item',
    ]);
  });

  it('makes every table cell a block of its own', () => {
    const extraction = page(
      '<table><caption>Categories</caption><thead><tr><th>Category</th><th>Source</th></tr></thead>' +
        '<tbody><tr><td>Identifiers</td><td>You</td></tr><tr><td>Usage data</td><td>Your <em>device</em></td></tr></tbody></table>',
    );
    expect(blockTexts(extraction)).toEqual(['Categories', 'Category', 'Source', 'Identifiers', 'You', 'Usage data', 'Your device']);
    expect(extraction.blocks.map((block) => block.kind)).toEqual([
      'paragraph',
      'cell',
      'cell',
      'cell',
      'cell',
      'cell',
      'cell',
    ]);
  });

  it('keeps inline elements inside one block', () => {
    const extraction = page('<p>a <b>bold</b> word, <a href="/x">a <i>linked</i> phrase</a>, <span>and <code>code</code></span>.</p>');
    expect(extraction.blocks).toHaveLength(1);
    expect(blockTexts(extraction)).toEqual(['a bold word, a linked phrase, and code.']);
    expect(extraction.text).toBe('a bold word, a linked phrase, and code.');
  });

  it('treats text directly inside a div as a paragraph, and splits at nested blocks and <br>', () => {
    const extraction = page('<div>Lead text <p>inner paragraph</p> tail text<br>after break</div>');
    expect(blockTexts(extraction)).toEqual(['Lead text', 'inner paragraph', 'tail text', 'after break']);
    expect(extraction.blocks.every((block) => block.kind === 'paragraph')).toBe(true);
  });

  it('drops empty and white-space-only blocks and trims the rest', () => {
    const extraction = page('<p>   </p><p>\u00a0</p><div>\n\t</div><p>  padded text  </p><p></p>');
    expect(blockTexts(extraction)).toEqual(['padded text']);
    // the padding stays in the text (text nodes are copied verbatim); only the block boundaries shrink
    expect(extraction.text).toBe('  padded text  ');
    expect(extraction.blocks).toEqual([{ start: 2, end: 13, kind: 'paragraph', level: 0 }]);
  });

  it('gives an empty extraction for an empty body', () => {
    const extraction = page('');
    expect(extraction).toEqual({ text: '', blocks: [], runs: [], links: [] });
  });

  it('keeps non-ASCII text and entities as written', () => {
    const extraction = page('<p>Données “personnelles” &amp; l’usage — 个人信息 😀</p>');
    expect(extraction.text).toBe('Données “personnelles” & l’usage — 个人信息 😀');
  });
});

describe('extractFromDom: what is not page content', () => {
  it('skips code, templates, navigation, hidden markup, editable regions and controls', () => {
    const extraction = page(`
      <p>Visible one.</p>
      <script>var secret = "script text";</script>
      <style>p { color: red } /* style text */</style>
      <noscript>noscript text</noscript>
      <template><p>template text</p></template>
      <nav><a href="/">nav text</a></nav>
      <div role="navigation">role nav text</div>
      <div role="dialog">dialog text</div>
      <p hidden>hidden attribute text</p>
      <div aria-hidden="true"><p>aria hidden text</p></div>
      <p aria-hidden="false">aria visible text.</p>
      <p style="color: red; display : none">display none text</p>
      <p style="visibility:hidden">visibility hidden text</p>
      <div contenteditable="true">editable text</div>
      <div contenteditable="">editable empty attribute text</div>
      <p>Press <button>button text</button> to continue.</p>
      <form><label>Label text</label><input value="input text"><textarea>textarea text</textarea><select><option>option text</option></select></form>
      <div data-clausemark="card">own card text</div>
      <svg><text>svg text</text></svg>
      <canvas>canvas text</canvas>
      <video>video text</video>
      <p>Visible two.</p>`);
    expect(blockTexts(extraction)).toEqual([
      'Visible one.',
      'aria visible text.',
      'Press  to continue.',
      'Label text',
      'Visible two.',
    ]);
    for (const hiddenWord of [
      'script',
      'style',
      'noscript',
      'template',
      'nav text',
      'role nav',
      'dialog',
      'hidden attribute',
      'aria hidden',
      'display none',
      'visibility hidden',
      'editable',
      'button',
      'input',
      'textarea',
      'option',
      'own card',
      'svg',
      'canvas',
      'video',
    ]) {
      expect(extraction.text).not.toContain(hiddenWord);
    }
  });

  it('skips the page header and footer but keeps those inside the article', () => {
    const extraction = page(`
      <header>Site header <a href="/">Home</a></header>
      <main>
        <article>
          <header><h1>Privacy Policy</h1><p>Effective July 8, 2026</p></header>
          <p>Policy body.</p>
          <footer>Article footer.</footer>
        </article>
        <section><header>Section header</header></section>
      </main>
      <div role="banner">Banner role</div>
      <footer>Site footer © 2026</footer>
      <div role="contentinfo">Content info</div>`);
    expect(blockTexts(extraction)).toEqual([
      'Privacy Policy',
      'Effective July 8, 2026',
      'Policy body.',
      'Article footer.',
      'Section header',
    ]);
    expect(extraction.blocks[0]).toMatchObject({ kind: 'heading', level: 1 });
  });

  it('does not skip the root it is handed, even a hidden or skipped one', () => {
    document.body.innerHTML = '<nav id="root"><p>Inside the root.</p></nav>';
    const extraction = extractFromDom(document.getElementById('root')!);
    expect(blockTexts(extraction)).toEqual(['Inside the root.']);
  });

  it('asks the isHidden option about every element', () => {
    document.body.innerHTML = '<p class="shown">Shown.</p><p class="collapsed">Collapsed by a stylesheet.</p><p>Also shown.</p>';
    const asked: string[] = [];
    const extraction = extractFromDom(document.body, {
      isHidden: (element) => {
        asked.push(element.tagName);
        return element.classList.contains('collapsed');
      },
    });
    expect(blockTexts(extraction)).toEqual(['Shown.', 'Also shown.']);
    expect(asked).toEqual(['P', 'P', 'P']);
  });

  it('isHiddenByMarkup reads attributes and inline styles only', () => {
    const make = (html: string): Element => {
      document.body.innerHTML = html;
      return document.body.firstElementChild!;
    };
    expect(isHiddenByMarkup(make('<p hidden>x</p>'))).toBe(true);
    expect(isHiddenByMarkup(make('<p aria-hidden="true">x</p>'))).toBe(true);
    expect(isHiddenByMarkup(make('<p aria-hidden="false">x</p>'))).toBe(false);
    expect(isHiddenByMarkup(make('<p style="DISPLAY:NONE">x</p>'))).toBe(true);
    expect(isHiddenByMarkup(make('<p style="display: block">x</p>'))).toBe(false);
    expect(isHiddenByMarkup(make('<p data-clausemark>x</p>'))).toBe(true);
    expect(isHiddenByMarkup(make('<p class="hidden">x</p>'))).toBe(false);
  });
});

describe('extractFromDom: offsets', () => {
  const POLICY = `
    <main>
      <h1>Privacy <em>Policy</em></h1>
      <p>We may use your Inputs and Outputs to train our models, unless you opt out through your
        <a href="https://example.com/settings">account <b>settings</b></a>. Even if you opt out, we will use them when:</p>
      <ul>
        <li>your conversations are <strong>flagged</strong> for safety review; or</li>
        <li>you report the materials to us.</li>
      </ul>
      <table><tr><td>Identifiers</td><td>Name, <i>email</i></td></tr></table>
      <div>Loose text<p>nested</p>tail</div>
    </main>`;

  it('text.slice(block.start, block.end) is the visible text of each block', () => {
    const extraction = page(POLICY);
    const expected = [
      'Privacy Policy',
      'We may use your Inputs and Outputs to train our models, unless you opt out through your\n        account settings. Even if you opt out, we will use them when:',
      'your conversations are flagged for safety review; or',
      'you report the materials to us.',
      'Identifiers',
      'Name, email',
      'Loose text',
      'nested',
      'tail',
    ];
    expect(blockTexts(extraction)).toEqual(expected);
    // each block's text is also what the matching element shows (textContent, trimmed)
    const elements = ['h1', 'main > p', 'li', 'td'].flatMap((selector) => Array.from(document.querySelectorAll(selector)));
    for (const element of elements) {
      expect(blockTexts(extraction)).toContain(element.textContent!.trim());
    }
    // blocks are ordered, disjoint and separated by the synthetic blank line
    for (let i = 1; i < extraction.blocks.length; i++) {
      const previous = extraction.blocks[i - 1]!;
      const block = extraction.blocks[i]!;
      expect(block.start).toBeGreaterThan(previous.end);
      expect(extraction.text.slice(previous.end, block.start)).toMatch(/^\s*\n\n\s*$/);
    }
  });

  it('every run maps its text node verbatim into the document text', () => {
    const extraction = page(POLICY);
    expect(extraction.runs.length).toBeGreaterThan(10);
    let previousEnd = 0;
    for (const run of extraction.runs) {
      expect(extraction.text.slice(run.start, run.start + run.node.data.length)).toBe(run.node.data);
      expect(run.start).toBeGreaterThanOrEqual(previousEnd);
      previousEnd = run.start + run.node.data.length;
    }
    expect(previousEnd).toBe(extraction.text.length);
    // everything outside the runs is block separators
    const covered = new Array<boolean>(extraction.text.length).fill(false);
    for (const run of extraction.runs) covered.fill(true, run.start, run.start + run.node.data.length);
    const uncovered = extraction.text.split('').filter((_, i) => !covered[i]).join('');
    expect(uncovered).toMatch(/^(?:\n\n)*$/);
  });

  it('records links with their hrefs and the offsets of their text', () => {
    const extraction = page(
      '<p>Intro <a href="https://example.com/a">first link</a>.</p>' +
        '<p><a href="mailto:privacy@example.com">Email us</a> to opt out.</p>' +
        '<ul><li><a href="/relative/path">Opt-out page</a></li></ul>' +
        '<p><a>no href</a> and <a href="https://example.com/empty"></a>empty link.</p>',
    );
    const linkTexts = extraction.links.map((link) => [extraction.text.slice(link.start, link.end), link.href]);
    expect(linkTexts).toEqual([
      ['first link', 'https://example.com/a'],
      ['Email us', 'mailto:privacy@example.com'],
      ['Opt-out page', '/relative/path'],
      ['no href', ''],
    ]);
  });

  it('a link that opens a paragraph is kept by the analysis (its offsets do not include the separator)', () => {
    const extraction = page(
      '<p>Intro.</p><p><a href="https://example.com/optout">Here</a> you can opt out of targeted ads whenever you like.</p>',
    );
    expect(extraction.links).toHaveLength(1);
    expect(extraction.text.slice(extraction.links[0]!.start, extraction.links[0]!.end)).toBe('Here');
    const [clause] = analyze(extraction);
    expect(clause?.optOut).toMatchObject({ mechanism: 'link', target: 'https://example.com/optout' });
  });

  it('rangeForOffsets maps a sentence back to a Range with the same text, across inline elements', () => {
    const extraction = page(POLICY);
    const paragraph = extraction.blocks[1]!;
    const sentences = sentenceSpans(extraction.text, paragraph.start, paragraph.end);
    expect(sentences).toHaveLength(2);
    for (const sentence of sentences) {
      const range = rangeForOffsets(document, extraction.runs, sentence.start, sentence.end);
      expect(range).not.toBeNull();
      expect(range!.toString()).toBe(extraction.text.slice(sentence.start, sentence.end));
    }
    // the first sentence runs from the paragraph through <a> and <b> and back: the range crosses those boundaries
    const first = rangeForOffsets(document, extraction.runs, sentences[0]!.start, sentences[0]!.end)!;
    expect(first.startContainer.parentElement?.tagName).toBe('P');
    expect(first.endContainer.parentElement?.tagName).toBe('P');
    expect(first.startContainer).not.toBe(first.endContainer);
    expect(first.toString()).toMatch(/account settings\.$/);
    // ending inside <b>
    const toBold = offsetsOf(extraction, 'unless you opt out through your\n        account sett');
    const bold = rangeForOffsets(document, extraction.runs, toBold.start, toBold.end)!;
    expect(bold.toString()).toBe('unless you opt out through your\n        account sett');
    expect(bold.endContainer.parentElement?.tagName).toBe('B');
    expect(bold.endOffset).toBe(4);

    // a phrase that starts and ends in different inline elements
    const { start, end } = offsetsOf(extraction, 'flagged for safety');
    const range = rangeForOffsets(document, extraction.runs, start, end)!;
    expect(range.toString()).toBe('flagged for safety');
    expect(range.startContainer.parentElement?.tagName).toBe('STRONG');
    expect(range.endContainer.parentElement?.tagName).toBe('LI');

    // "a <b>bold</b> word"
    const simple = page('<p>a <b>bold</b> word</p>');
    const whole = rangeForOffsets(document, simple.runs, 0, simple.text.length)!;
    expect(whole.toString()).toBe('a bold word');
    const middle = rangeForOffsets(document, simple.runs, 2, 6)!;
    expect(middle.toString()).toBe('bold');
    const across = rangeForOffsets(document, simple.runs, 4, 9)!;
    expect(across.toString()).toBe('ld wo');
  });

  it('rangeForOffsets spans several blocks, and gives null for empty spans, no runs or detached nodes', () => {
    const extraction = page('<p>One two.</p><p>Three <i>four</i>.</p>');
    const range = rangeForOffsets(document, extraction.runs, 4, extraction.text.length)!;
    // the separator belongs to no node, so the range's text runs straight from one paragraph into the next
    expect(range.toString()).toBe('two.Three four.');
    expect(rangeForOffsets(document, extraction.runs, 3, 3)).toBeNull();
    expect(rangeForOffsets(document, extraction.runs, 5, 2)).toBeNull();
    expect(rangeForOffsets(document, [], 0, 3)).toBeNull();
    document.body.innerHTML = '<p>replaced</p>';
    expect(rangeForOffsets(document, extraction.runs, 0, 3)).toBeNull();
  });

  it('nodeSlicesForOffsets lists the text nodes and in-node offsets covering a span', () => {
    const extraction = page('<p>a <b>bold</b> word</p><p>next <i>one</i></p>');
    const slices = nodeSlicesForOffsets(extraction.runs, 0, 11);
    expect(slices.map((slice) => [slice.node.data, slice.from, slice.to])).toEqual([
      ['a ', 0, 2],
      ['bold', 0, 4],
      [' word', 0, 5],
    ]);
    const partial = nodeSlicesForOffsets(extraction.runs, 3, 8);
    expect(partial.map((slice) => [slice.node.data, slice.from, slice.to])).toEqual([
      ['bold', 1, 4],
      [' word', 0, 2],
    ]);
    expect(partial.map((slice) => slice.node.data.slice(slice.from, slice.to)).join('')).toBe(extraction.text.slice(3, 8));
    // across the block separator: the separator belongs to no node
    const across = nodeSlicesForOffsets(extraction.runs, 8, extraction.text.length);
    expect(across.map((slice) => slice.node.data.slice(slice.from, slice.to))).toEqual(['ord', 'next ', 'one']);
    expect(nodeSlicesForOffsets(extraction.runs, 5, 5)).toEqual([]);
  });

  it('agrees with the analysis: every clause and exception maps back to its text in the page', () => {
    const extraction = page(POLICY);
    const clauses = analyze(extraction);
    const training = clauses.find((clause) => clause.optOut !== null);
    expect(training).toBeDefined();
    expect(training!.exceptions).toHaveLength(2);
    for (const span of [training!, ...training!.exceptions]) {
      const range = rangeForOffsets(document, extraction.runs, span.start, span.end)!;
      const rangeText = range.toString().replace(/\s+/g, ' ').trim();
      expect(rangeText).toBe(extraction.text.slice(span.start, span.end).replace(/\s+/g, ' ').trim());
    }
    expect(training!.optOut?.mechanism).toBe('settings');
  });
});

describe('extractFromDom: deep pages', () => {
  it('walks a page nested 10,000 divs deep without overflowing the stack', () => {
    let parent: HTMLElement = document.body;
    for (let depth = 0; depth < 10_000; depth++) {
      const div = document.createElement('div');
      if (depth === 5_000) div.appendChild(document.createTextNode('Halfway down.'));
      parent.appendChild(div);
      parent = div;
    }
    const paragraph = document.createElement('p');
    paragraph.textContent = 'At the bottom, you can opt out.';
    parent.appendChild(paragraph);

    try {
      const extraction = extractFromDom(document.body);
      expect(blockTexts(extraction)).toEqual(['Halfway down.', 'At the bottom, you can opt out.']);
      const { start, end } = offsetsOf(extraction, 'you can opt out');
      expect(rangeForOffsets(document, extraction.runs, start, end)!.toString()).toBe('you can opt out');
    } finally {
      // The DOM library itself recurses when a deep subtree is attached or detached: take it down from the bottom.
      for (let node: Node | null = paragraph; node !== null && node !== document.body; ) {
        const up: Node | null = node.parentNode;
        up?.removeChild(node);
        node = up;
      }
    }
  });

  it('walks a long flat page', () => {
    const html = Array.from({ length: 3_000 }, (_, i) => `<p>Paragraph ${i}.</p>`).join('');
    const extraction = page(html);
    expect(extraction.blocks).toHaveLength(3_000);
    expect(blockTexts(extraction)[2_999]).toBe('Paragraph 2999.');
  });
});
