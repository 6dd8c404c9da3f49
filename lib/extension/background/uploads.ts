import type { BackgroundMessage } from '../messages/client';
import { MAX_BLOCKS, MAX_LINKS, MAX_PAGE_TEXT, PARTS_LOST } from '../messages/protocol';
import { createExpiringStore } from './expiring-store';

/**
 * A long page's extraction arrives in parts (`analysis-part` messages, each checked by its schema) before the
 * `analysis` message that names them: one 5 MB message would hold the page's main thread for the whole of its
 * cloning. Parts are kept per sender frame and upload id until that message takes them. Bounded: an upload holds at
 * most what one `analysis` message may (MAX_PAGE_TEXT characters, MAX_BLOCKS blocks, MAX_LINKS links), at most
 * MAX_UPLOADS are held at once (the oldest goes), and one not taken within UPLOAD_TTL_MS is dropped.
 */
export const MAX_UPLOADS = 8;
export const UPLOAD_TTL_MS = 60_000;

type Part = Pick<BackgroundMessage<'analysis-part'>, 'index' | 'text' | 'blocks' | 'links'>;
export type Extraction = Pick<BackgroundMessage<'analysis'>, 'text' | 'blocks' | 'links'>;

interface Upload {
  texts: string[];
  blocks: Extraction['blocks'];
  links: Extraction['links'];
  chars: number;
}

export interface ExtractionUploads {
  /** Adds a part (parts come in order, from 0); returns what is wrong, or null. */
  add(key: string, part: Part): string | null;
  /** The whole extraction once all `count` parts with `length` characters came, taken out of the store; else what is wrong. */
  take(key: string, count: number, length: number): Extraction | { error: string };
  /** uploads held now */
  readonly size: number;
}

export function createExtractionUploads(now: () => number = () => Date.now()): ExtractionUploads {
  const uploads = createExpiringStore<Upload>(MAX_UPLOADS, UPLOAD_TTL_MS, now);
  return {
    add(key, part) {
      let upload = uploads.get(key);
      if (part.index === 0) {
        // A new upload under the same key replaces an unfinished one (the page was read again).
        upload = { texts: [], blocks: [], links: [], chars: 0 };
        uploads.start(key, upload);
      }
      if (upload === undefined || upload.texts.length !== part.index) {
        uploads.delete(key);
        return `part ${part.index} came out of order`;
      }
      const tooLong = upload.chars + part.text.length > MAX_PAGE_TEXT ? `${MAX_PAGE_TEXT} characters`
        : upload.blocks.length + part.blocks.length > MAX_BLOCKS ? `${MAX_BLOCKS} blocks`
          : upload.links.length + part.links.length > MAX_LINKS ? `${MAX_LINKS} links` : null;
      if (tooLong !== null) {
        uploads.delete(key);
        return `the page is longer than ${tooLong}`;
      }
      upload.texts.push(part.text);
      upload.chars += part.text.length;
      for (const block of part.blocks) upload.blocks.push(block);
      for (const link of part.links) upload.links.push(link);
      return null;
    },
    take(key, count, length) {
      const upload = uploads.get(key);
      uploads.delete(key);
      if (upload === undefined) return { error: PARTS_LOST };
      if (upload.texts.length !== count || upload.chars !== length) {
        return { error: `${upload.texts.length} parts of ${upload.chars} characters came, not ${count} of ${length}` };
      }
      return { text: upload.texts.join(''), blocks: upload.blocks, links: upload.links };
    },
    get size() {
      return uploads.size;
    },
  };
}
