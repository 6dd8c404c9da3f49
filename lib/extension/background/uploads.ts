import { MAX_PAGE_TEXT, TEXT_PART_CHARS } from '../messages/protocol';

/**
 * A long page's text arrives in parts (`analysis-text` messages, at most TEXT_PART_CHARS each) before the `analysis`
 * message that names them: one 5 MB message would hold the page's main thread for the whole of its cloning. Parts are
 * kept per sender and upload id until that message takes them. Bounded: at most MAX_PAGE_TEXT characters per upload,
 * MAX_UPLOADS uploads held at once (the oldest goes), and an upload not taken within UPLOAD_TTL_MS is dropped.
 */
export const MAX_UPLOADS = 8;
export const UPLOAD_TTL_MS = 60_000;

interface Upload {
  parts: string[];
  chars: number;
  startedAt: number;
}

export interface TextUploads {
  /** Adds part `index` (parts come in order, from 0); returns what is wrong, or null. */
  add(key: string, index: number, text: string): string | null;
  /** The whole text once all `count` parts of `length` characters came, taken out of the store; else what is wrong. */
  take(key: string, count: number, length: number): { text: string } | { error: string };
  /** uploads held now */
  readonly size: number;
}

export function createTextUploads(now: () => number = () => Date.now()): TextUploads {
  const uploads = new Map<string, Upload>();
  const dropStale = (): void => {
    for (const [key, upload] of uploads) if (now() - upload.startedAt > UPLOAD_TTL_MS) uploads.delete(key);
  };
  return {
    add(key, index, text) {
      dropStale();
      if (text.length > TEXT_PART_CHARS) return `part ${index} is longer than ${TEXT_PART_CHARS} characters`;
      let upload = uploads.get(key);
      if (index === 0) {
        // A new upload under the same key replaces an unfinished one (the page was read again).
        uploads.delete(key);
        if (uploads.size >= MAX_UPLOADS) uploads.delete(uploads.keys().next().value!);
        upload = { parts: [], chars: 0, startedAt: now() };
        uploads.set(key, upload);
      }
      if (upload === undefined || upload.parts.length !== index) {
        uploads.delete(key);
        return `part ${index} came out of order`;
      }
      if (upload.chars + text.length > MAX_PAGE_TEXT) {
        uploads.delete(key);
        return `the text is longer than ${MAX_PAGE_TEXT} characters`;
      }
      upload.parts.push(text);
      upload.chars += text.length;
      return null;
    },
    take(key, count, length) {
      dropStale();
      const upload = uploads.get(key);
      uploads.delete(key);
      if (upload === undefined) return { error: 'its parts never came (or came too long ago)' };
      if (upload.parts.length !== count || upload.chars !== length) {
        return { error: `${upload.parts.length} parts of ${upload.chars} characters came, not ${count} of ${length}` };
      }
      return { text: upload.parts.join('') };
    },
    get size() {
      return uploads.size;
    },
  };
}
