import { describe, expect, it } from 'vitest';
import { createTextUploads, MAX_UPLOADS, UPLOAD_TTL_MS } from '../../lib/extension/background/uploads';
import { AnalysisReport, AnalysisTextPart, TEXT_PART_CHARS } from '../../lib/extension/messages/protocol';

describe('text uploads (a long page sent in parts)', () => {
  it('gives back the whole text once every part came, in order, and forgets it', () => {
    const uploads = createTextUploads();
    expect(uploads.add('1:0:a', 0, 'Hello, ')).toBeNull();
    expect(uploads.add('1:0:a', 1, 'world')).toBeNull();
    expect(uploads.take('1:0:a', 2, 12)).toEqual({ text: 'Hello, world' });
    expect(uploads.take('1:0:a', 2, 12)).toHaveProperty('error');
    expect(uploads.size).toBe(0);
  });

  it('refuses parts out of order, a count or length that does not match, and parts too long', () => {
    const uploads = createTextUploads();
    expect(uploads.add('k', 1, 'x')).toMatch(/out of order/);
    uploads.add('k', 0, 'abc');
    expect(uploads.add('k', 2, 'x')).toMatch(/out of order/);
    uploads.add('k', 0, 'abc');
    expect(uploads.take('k', 2, 3)).toHaveProperty('error');
    uploads.add('k', 0, 'abc');
    expect(uploads.take('k', 1, 4)).toHaveProperty('error');
    expect(uploads.add('k', 0, 'x'.repeat(TEXT_PART_CHARS + 1))).toMatch(/longer/);
  });

  it('keeps apart the uploads of different senders, holds at most MAX_UPLOADS, and drops stale ones', () => {
    let clock = 0;
    const uploads = createTextUploads(() => clock);
    for (let i = 0; i <= MAX_UPLOADS; i++) uploads.add(`frame-${i}`, 0, String(i));
    expect(uploads.size).toBe(MAX_UPLOADS);
    expect(uploads.take('frame-0', 1, 1)).toHaveProperty('error');
    expect(uploads.take(`frame-${MAX_UPLOADS}`, 1, 1)).toEqual({ text: String(MAX_UPLOADS) });
    clock += UPLOAD_TTL_MS + 1;
    expect(uploads.take('frame-1', 1, 1)).toHaveProperty('error');
    expect(uploads.size).toBe(0);
  });

  it('has messages the protocol bounds: a part at most TEXT_PART_CHARS, a count and length within the page limit', () => {
    expect(AnalysisTextPart.safeParse({ type: 'analysis-text', upload: 'u', index: 0, text: 'x'.repeat(TEXT_PART_CHARS) }).success).toBe(true);
    expect(AnalysisTextPart.safeParse({ type: 'analysis-text', upload: 'u', index: 0, text: 'x'.repeat(TEXT_PART_CHARS + 1) }).success).toBe(false);
    expect(AnalysisTextPart.safeParse({ type: 'analysis-text', upload: '', index: 0, text: 'x' }).success).toBe(false);
    const report = { type: 'analysis', url: 'https://example.com/privacy', title: 'Privacy', heading: 'Privacy', looksLikePolicy: true, text: '', blocks: [], links: [] };
    expect(AnalysisReport.safeParse({ ...report, textParts: { upload: 'u', count: 3, length: 150_000 } }).success).toBe(true);
    expect(AnalysisReport.safeParse({ ...report, textParts: { upload: 'u', count: 0, length: 150_000 } }).success).toBe(false);
    expect(AnalysisReport.safeParse({ ...report, textParts: { upload: 'u', count: 3, length: 30_000_000 } }).success).toBe(false);
  });
});
