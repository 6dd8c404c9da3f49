import { describe, expect, it } from 'vitest';
import { createExtractionUploads, MAX_UPLOADS, UPLOAD_TTL_MS } from '../../lib/extension/background/uploads';
import { AnalysisPart, AnalysisReport, LIST_PART_ITEMS, TEXT_PART_CHARS } from '../../lib/extension/messages/protocol';

const block = (start: number, end: number) => ({ start, end, kind: 'paragraph' as const, level: 0 });
const part = (index: number, text: string, blocks = [block(0, text.length)], links: Array<{ start: number; end: number; href: string }> = []) => ({ index, text, blocks, links });

describe('extraction uploads (a long page sent in parts)', () => {
  it('gives back the whole extraction once every part came, in order, and forgets it', () => {
    const uploads = createExtractionUploads();
    expect(uploads.add('1:0:a', part(0, 'Hello, ', [block(0, 6)], [{ start: 0, end: 5, href: '/a' }]))).toBeNull();
    expect(uploads.add('1:0:a', part(1, 'world', [block(7, 12)]))).toBeNull();
    expect(uploads.take('1:0:a', 2, 12)).toEqual({ text: 'Hello, world', blocks: [block(0, 6), block(7, 12)], links: [{ start: 0, end: 5, href: '/a' }] });
    expect(uploads.take('1:0:a', 2, 12)).toHaveProperty('error');
    expect(uploads.size).toBe(0);
  });

  it('refuses parts out of order, and a count or length that does not match', () => {
    const uploads = createExtractionUploads();
    expect(uploads.add('k', part(1, 'x'))).toMatch(/out of order/);
    uploads.add('k', part(0, 'abc'));
    expect(uploads.add('k', part(2, 'x'))).toMatch(/out of order/);
    uploads.add('k', part(0, 'abc'));
    expect(uploads.take('k', 2, 3)).toHaveProperty('error');
    uploads.add('k', part(0, 'abc'));
    expect(uploads.take('k', 1, 4)).toHaveProperty('error');
  });

  it('keeps apart the uploads of different frames, holds at most MAX_UPLOADS, and drops stale ones', () => {
    let clock = 0;
    const uploads = createExtractionUploads(() => clock);
    for (let i = 0; i <= MAX_UPLOADS; i++) uploads.add(`frame-${i}`, part(0, String(i)));
    expect(uploads.size).toBe(MAX_UPLOADS);
    expect(uploads.take('frame-0', 1, 1)).toHaveProperty('error');
    expect(uploads.take(`frame-${MAX_UPLOADS}`, 1, 1)).toMatchObject({ text: String(MAX_UPLOADS) });
    clock += UPLOAD_TTL_MS + 1;
    expect(uploads.take('frame-1', 1, 1)).toHaveProperty('error');
    expect(uploads.size).toBe(0);
  });

  it('has messages the protocol bounds: a part at most TEXT_PART_CHARS and LIST_PART_ITEMS, a count and length within the page limit', () => {
    const ok = { type: 'analysis-part', upload: 'u', index: 0, text: 'x'.repeat(TEXT_PART_CHARS), blocks: [], links: [] };
    expect(AnalysisPart.safeParse(ok).success).toBe(true);
    expect(AnalysisPart.safeParse({ ...ok, text: 'x'.repeat(TEXT_PART_CHARS + 1) }).success).toBe(false);
    expect(AnalysisPart.safeParse({ ...ok, blocks: Array.from({ length: LIST_PART_ITEMS + 1 }, () => block(0, 1)) }).success).toBe(false);
    expect(AnalysisPart.safeParse({ ...ok, blocks: [{ start: -1, end: 2, kind: 'paragraph', level: 0 }] }).success).toBe(false);
    expect(AnalysisPart.safeParse({ ...ok, upload: '' }).success).toBe(false);
    const report = { type: 'analysis', url: 'https://example.com/privacy', title: 'Privacy', heading: 'Privacy', looksLikePolicy: true, text: '', blocks: [], links: [] };
    expect(AnalysisReport.safeParse({ ...report, parts: { upload: 'u', count: 3, length: 150_000 } }).success).toBe(true);
    expect(AnalysisReport.safeParse({ ...report, parts: { upload: 'u', count: 0, length: 150_000 } }).success).toBe(false);
    expect(AnalysisReport.safeParse({ ...report, parts: { upload: 'u', count: 3, length: 30_000_000 } }).success).toBe(false);
  });
});
