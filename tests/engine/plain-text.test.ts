import { describe, expect, it } from 'vitest';
import { extractFromPlainText } from '../../lib/engine/extract/plain-text';
import type { ExtractedText } from '../../lib/engine/model/analysis';
import { analyze } from '../../lib/engine/analyze';

function texts(extraction: ExtractedText): string[] {
  return extraction.blocks.map((block) => extraction.text.slice(block.start, block.end));
}

function kinds(extraction: ExtractedText): string[] {
  return extraction.blocks.map((block) => block.kind);
}

describe('extractFromPlainText', () => {
  it('splits paragraphs on blank lines and keeps the text as given', () => {
    const text = 'First paragraph, line one\nline two.\n\nSecond paragraph.\n\n\n\nThird, after several blank lines.';
    const extraction = extractFromPlainText(text);
    expect(extraction.text).toBe(text);
    expect(texts(extraction)).toEqual([
      'First paragraph, line one\nline two.',
      'Second paragraph.',
      'Third, after several blank lines.',
    ]);
    expect(extraction.blocks).toEqual([
      { start: 0, end: 35, kind: 'paragraph', level: 0 },
      { start: 37, end: 54, kind: 'paragraph', level: 0 },
      { start: 58, end: 91, kind: 'paragraph', level: 0 },
    ]);
  });

  it('treats lines of white space as blank and trims blocks to their visible text', () => {
    const text = '  Indented start.  \n \t \n\tTabbed paragraph.\t\n   \n';
    const extraction = extractFromPlainText(text);
    expect(texts(extraction)).toEqual(['Indented start.', 'Tabbed paragraph.']);
    expect(extraction.blocks[0]).toEqual({ start: 2, end: 17, kind: 'paragraph', level: 0 });
  });

  it('makes bullet lines list items, each its own block', () => {
    const text = 'We share data when:\n- you ask us to;\n* the law requires it;\n• we sell the business.\n\nAfter the list.';
    const extraction = extractFromPlainText(text);
    expect(texts(extraction)).toEqual([
      'We share data when:',
      '- you ask us to;',
      '* the law requires it;',
      '• we sell the business.',
      'After the list.',
    ]);
    expect(kinds(extraction)).toEqual(['paragraph', 'list-item', 'list-item', 'list-item', 'paragraph']);
  });

  it('makes numbered and lettered lines list items', () => {
    const text = 'Your rights:\n1. Access\n2) Deletion\n(a) Correction\n(iv) Portability\nb. Objection\n10. Complaint';
    const extraction = extractFromPlainText(text);
    expect(texts(extraction)).toEqual([
      'Your rights:',
      '1. Access',
      '2) Deletion',
      '(a) Correction',
      '(iv) Portability',
      'b. Objection',
      '10. Complaint',
    ]);
    expect(kinds(extraction)).toEqual(['paragraph', ...Array<string>(6).fill('list-item')]);
  });

  it('keeps a wrapped list item together and ends the list at a blank line', () => {
    const text = '- first item that wraps\n  onto a second line\n- second item\n\nA paragraph again.';
    const extraction = extractFromPlainText(text);
    expect(texts(extraction)).toEqual(['- first item that wraps\n  onto a second line', '- second item', 'A paragraph again.']);
    expect(kinds(extraction)).toEqual(['list-item', 'list-item', 'paragraph']);
  });

  it('does not take ordinary lines for list items', () => {
    const text = 'Section 3 applies.\n2024 was the year we changed this.\nA-list partners only.\nEmail: privacy@example.com';
    const extraction = extractFromPlainText(text);
    expect(texts(extraction)).toEqual([text]);
    expect(kinds(extraction)).toEqual(['paragraph']);
  });

  it('offsets index the original string, with CRLF line ends and leading blank lines', () => {
    const text = '\r\n\r\nHeading line\r\n\r\nWe may share data:\r\n  - with vendors;\r\n  - with advertisers.\r\n\r\nEnd.\r\n';
    const extraction = extractFromPlainText(text);
    expect(extraction.text).toBe(text);
    expect(texts(extraction)).toEqual(['Heading line', 'We may share data:', '- with vendors;', '- with advertisers.', 'End.']);
    expect(kinds(extraction)).toEqual(['paragraph', 'paragraph', 'list-item', 'list-item', 'paragraph']);
    for (const block of extraction.blocks) {
      expect(block.end).toBeGreaterThan(block.start);
      expect(text.slice(block.start, block.end)).toBe(text.slice(block.start, block.end).trim());
      expect(block.level).toBe(0);
    }
    // blocks are in order and do not overlap
    for (let i = 1; i < extraction.blocks.length; i++) {
      expect(extraction.blocks[i]!.start).toBeGreaterThan(extraction.blocks[i - 1]!.end);
    }
  });

  it('offsets stay right after astral characters and combining marks', () => {
    const text = '😀 Emoji paragraph.\n\nCafe\u0301 paragraph.\n\n- 个人信息 item';
    const extraction = extractFromPlainText(text);
    expect(texts(extraction)).toEqual(['😀 Emoji paragraph.', 'Cafe\u0301 paragraph.', '- 个人信息 item']);
    expect(extraction.blocks[1]!.start).toBe(text.indexOf('Cafe'));
  });

  it('gives no blocks for empty or white-space-only text', () => {
    expect(extractFromPlainText('')).toEqual({ text: '', blocks: [] });
    expect(extractFromPlainText(' \n\n\t\n ')).toEqual({ text: ' \n\n\t\n ', blocks: [] });
  });

  it('handles text without a final newline, and a single line', () => {
    expect(texts(extractFromPlainText('Only one line.'))).toEqual(['Only one line.']);
    expect(extractFromPlainText('Only one line.').blocks).toEqual([{ start: 0, end: 14, kind: 'paragraph', level: 0 }]);
    expect(texts(extractFromPlainText('One.\n\nTwo.\n'))).toEqual(['One.', 'Two.']);
  });

  it('feeds the analysis: a lead-in with bullet exceptions keeps both exceptions', () => {
    const text =
      'We may use your Inputs and Outputs to train our models, unless you opt out through your account settings. ' +
      'Even if you opt out, we will use Inputs and Outputs for model improvement when:\n' +
      '- your conversations are flagged for safety review; or\n' +
      '- you report the materials to us.\n';
    const extraction = extractFromPlainText(text);
    expect(kinds(extraction)).toEqual(['paragraph', 'list-item', 'list-item']);
    const clauses = analyze(extraction);
    expect(clauses).toHaveLength(1);
    expect(clauses[0]!.optOut?.mechanism).toBe('settings');
    const exceptions = clauses[0]!.exceptions.map((exception) => text.slice(exception.start, exception.end));
    expect(exceptions).toHaveLength(2);
    expect(exceptions[0]).toContain('your conversations are flagged for safety review');
    expect(exceptions[1]).toContain('you report the materials to us');
  });
});
