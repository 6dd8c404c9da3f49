// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { extractFromDom, extractInSlices, extractSteps, rangeForOffsets } from '../../lib/engine/extract/dom';

/** The walk reads what is rendered: open shadow trees, slotted nodes; and it can run in slices. */
beforeEach(() => {
  document.body.innerHTML = '';
});

function blockTexts(extraction: { text: string; blocks: Array<{ start: number; end: number }> }): string[] {
  return extraction.blocks.map((block) => extraction.text.slice(block.start, block.end));
}

describe('extractFromDom: open shadow roots', () => {
  it('reads an open shadow tree instead of the light children of its host', () => {
    document.body.innerHTML = '<p>Before.</p><div id="host"><p>Light child that is never rendered.</p></div><p>After.</p>';
    const host = document.getElementById('host')!;
    const shadow = host.attachShadow({ mode: 'open' });
    const heading = document.createElement('h2');
    heading.textContent = 'Your choices';
    const paragraph = document.createElement('p');
    paragraph.textContent = 'You can opt out of marketing emails at any time.';
    shadow.append(heading, paragraph);

    const extraction = extractFromDom(document.body);
    expect(blockTexts(extraction)).toEqual(['Before.', 'Your choices', 'You can opt out of marketing emails at any time.', 'After.']);
    expect(extraction.blocks[1]).toMatchObject({ kind: 'heading', level: 2 });
    expect(extraction.shadowRoots).toEqual([shadow]);
    // Offsets inside the shadow tree map back to its nodes.
    const start = extraction.text.indexOf('opt out');
    const range = rangeForOffsets(document, extraction.runs, start, start + 'opt out'.length)!;
    expect(range.toString()).toBe('opt out');
    expect(range.startContainer.getRootNode()).toBe(shadow);
  });

  it('shows slotted light children where their slot stands, and slot fallback when nothing is assigned', () => {
    document.body.innerHTML = '<div id="host"><span slot="lead">We may share data</span><em>with partners.</em></div>';
    const host = document.getElementById('host')!;
    const shadow = host.attachShadow({ mode: 'open' });
    const paragraph = document.createElement('p');
    const named = document.createElement('slot');
    named.setAttribute('name', 'lead');
    const unnamed = document.createElement('slot');
    const empty = document.createElement('slot');
    empty.setAttribute('name', 'nothing-here');
    empty.textContent = ' (fallback text)';
    paragraph.append(named, ' ', unnamed, empty);
    shadow.append(paragraph);

    const extraction = extractFromDom(document.body);
    expect(extraction.text).toBe('We may share data with partners. (fallback text)');
  });

  it('reads shadow roots nested inside shadow roots, and skips hidden parts inside them', () => {
    document.body.innerHTML = '<section id="outer"></section>';
    const outer = document.getElementById('outer')!.attachShadow({ mode: 'open' });
    const inner = document.createElement('div');
    outer.append(inner);
    const innerShadow = inner.attachShadow({ mode: 'open' });
    const shown = document.createElement('p');
    shown.textContent = 'Deep text.';
    const hidden = document.createElement('p');
    hidden.hidden = true;
    hidden.textContent = 'Hidden text.';
    innerShadow.append(shown, hidden);

    const extraction = extractFromDom(document.body);
    expect(extraction.text).toBe('Deep text.');
    expect(extraction.shadowRoots).toEqual([outer, innerShadow]);
  });

  it('does not read closed shadow roots (scripts cannot see them)', () => {
    document.body.innerHTML = '<div id="host"></div><p>Visible.</p>';
    const closed = document.getElementById('host')!.attachShadow({ mode: 'closed' });
    const paragraph = document.createElement('p');
    paragraph.textContent = 'Closed text.';
    closed.append(paragraph);
    expect(extractFromDom(document.body).text).toBe('Visible.');
  });
});

describe('extractInSlices', () => {
  function bigPage(paragraphs: number): void {
    const fragment = document.createDocumentFragment();
    for (let i = 0; i < paragraphs; i++) {
      const paragraph = document.createElement('p');
      paragraph.append(`Paragraph ${i} says `, Object.assign(document.createElement('b'), { textContent: 'something' }), '.');
      fragment.append(paragraph);
    }
    document.body.append(fragment);
  }

  it('gives exactly the extraction of the one-pass walk, yielding between slices', async () => {
    bigPage(3000);
    const whole = extractFromDom(document.body);
    let yields = 0;
    const progress: number[] = [];
    // A clock that advances 1 ms per reading: every slice runs out of budget after a few readings.
    let clock = 0;
    const sliced = await extractInSlices(
      document.body,
      {},
      async () => {
        yields++;
      },
      (step) => progress.push(step.nodes),
      4,
      () => clock++,
    );
    expect(sliced.text).toBe(whole.text);
    expect(sliced.blocks).toEqual(whole.blocks);
    expect(sliced.runs.length).toBe(whole.runs.length);
    expect(sliced.runs.every((run, i) => run.node === whole.runs[i]!.node && run.start === whole.runs[i]!.start)).toBe(true);
    expect(yields).toBeGreaterThan(10);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('reads a page-long text node a chunk at a time, pausing between chunks, into the text the one-pass walk gives', async () => {
    // 1.6 million characters in one paragraph (a hostile page's shape): no single step copies it whole.
    const words = Array.from({ length: 300_000 }, (_, i) => (i % 997 === 0 ? 'you can opt out of this' : `word${i % 50}`));
    document.body.innerHTML = `<h1>Terms</h1><p>${words.join(' ')}</p><p>   </p><p>After.</p>`;
    const node = document.querySelector('p')!.firstChild as Text;
    expect(node.length).toBeGreaterThan(1_000_000);
    const copied: number[] = [];
    const substringData = node.substringData.bind(node);
    node.substringData = (offset: number, count: number) => {
      copied.push(Math.min(count, node.length - offset));
      return substringData(offset, count);
    };
    const whole = extractFromDom(document.body);
    copied.length = 0;
    let yields = 0;
    let clock = 0;
    const sliced = await extractInSlices(document.body, {}, async () => {
      yields++;
    }, undefined, 4, () => clock++);
    expect(sliced.text).toBe(whole.text);
    expect(sliced.blocks).toEqual(whole.blocks);
    expect(sliced.text).toBe(`Terms\n\n${words.join(' ')}\n\nAfter.`);
    expect(sliced.runs.filter((run) => run.node === node)).toEqual([{ node, start: 'Terms\n\n'.length }]);
    expect(Math.max(...copied)).toBeLessThanOrEqual(65_536);
    expect(copied.reduce((sum, count) => sum + count, 0)).toBe(node.length);
    expect(yields).toBeGreaterThan(5);
    // Step by step: at most one chunk is copied between two pauses of the walk.
    copied.length = 0;
    const steps = extractSteps(document.body);
    const copiedPerStep: number[] = [];
    for (let step = steps.next(), before = 0; !step.done; step = steps.next()) {
      copiedPerStep.push(copied.length - before);
      before = copied.length;
    }
    expect(Math.max(...copiedPerStep)).toBe(1);
    expect(copiedPerStep.filter((count) => count === 1).length).toBeGreaterThan(node.length / 65_536 - 1);
  });

  it('reads the page as it is when the walk gets there: a paragraph removed before it is reached is not read, one removed after keeps its text with no range', async () => {
    bigPage(600);
    const read = document.body.firstElementChild!;
    const unreached = document.body.children[400]!;
    let first = true;
    let clock = 0;
    const sliced = await extractInSlices(document.body, {}, async () => {
      if (first) {
        read.remove();
        unreached.remove();
      }
      first = false;
    }, () => {}, 1, () => (clock += 2));
    expect(sliced.text).not.toContain('Paragraph 400 ');
    for (const i of [0, 399, 401, 599]) expect(sliced.text).toContain(`Paragraph ${i} says something.`);
    const start = sliced.text.indexOf('Paragraph 0 ');
    expect(rangeForOffsets(document, sliced.runs, start, start + 5)).toBeNull();
    const later = sliced.text.indexOf('Paragraph 599 ');
    expect(rangeForOffsets(document, sliced.runs, later, later + 5)!.toString()).toBe('Parag');
  });

  it('lists a parent of 20,000 children one child at a time: a child appended after the first step is read', async () => {
    const fragment = document.createDocumentFragment();
    for (let i = 0; i < 20_000; i++) fragment.append(`w${i} `);
    document.body.append(fragment);
    const { extractSteps } = await import('../../lib/engine/extract/dom');
    const steps = extractSteps(document.body, {}, 32);
    steps.next();
    document.body.append('appended');
    let step = steps.next();
    while (!step.done) step = steps.next();
    expect(step.value.text.startsWith('w0 w1 ')).toBe(true);
    expect(step.value.text.endsWith('w19999 appended')).toBe(true);
  });
});

describe('extractFromDom: a page of many parts', () => {
  it('trims every block to its visible characters across the groups its parts are joined in', () => {
    // 3,000 paragraphs of padded text: over 4,096 parts, so the text is joined from several groups.
    document.body.innerHTML = Array.from({ length: 3_000 }, (_, i) => `<p>  \n Paragraph ${i} ends here.\n  </p>`).join('');
    const { text, blocks } = extractFromDom(document.body);
    expect(blocks).toHaveLength(3_000);
    blocks.forEach((block, i) => expect(text.slice(block.start, block.end)).toBe(`Paragraph ${i} ends here.`));
  });
});

describe('extractFromDom: overlong blocks', () => {
  it('cuts a paragraph longer than MAX_BLOCK_CHARS at white space, leaving the text and offsets as they are', async () => {
    const { MAX_BLOCK_CHARS } = await import('../../lib/engine/extract/dom');
    const words = Array.from({ length: 12_000 }, (_, i) => `word${i % 97}`).join(' ');
    document.body.innerHTML = `<p>Short one.</p><p>${words}</p>`;
    const extraction = extractFromDom(document.body);
    expect(extraction.text).toBe(`Short one.\n\n${words}`);
    expect(extraction.blocks.length).toBeGreaterThan(3);
    for (const block of extraction.blocks) {
      expect(block.end - block.start).toBeLessThanOrEqual(MAX_BLOCK_CHARS);
      // cut between words, never inside one
      expect(extraction.text[block.start - 1] ?? ' ').toMatch(/\s/);
      expect(extraction.text[block.end] ?? ' ').toMatch(/\s/);
    }
    const covered = extraction.blocks.slice(1).reduce((sum, block) => sum + block.end - block.start, 0);
    expect(covered).toBe(words.length - (extraction.blocks.length - 2));
  });
});
