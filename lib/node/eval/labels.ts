import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The labelled set (tests/fixtures/labels, rules in its RULES.md and the product's labelling spec): one JSON file
 * per document, the document itself in documents/ beside them or in the shared corpus.
 */
const Quote = z.string().min(1);
export const LabelFileSchema = z.object({
  document: z.string(),
  split: z.enum(['dev', 'test']).optional(),
  labeller: z.string().optional(),
  repeatedText: z.boolean().optional(),
  optOuts: z.array(z.object({
    quote: Quote,
    sentence: z.string().optional(),
    topic: z.string(),
    mechanism: z.string(),
    target: z.string().nullable().optional(),
    exceptions: z.array(z.object({ quote: Quote, kind: z.string().optional(), note: z.string().optional() })),
  })),
  promises: z.array(z.object({ quote: Quote, sentence: z.string().optional(), topic: z.string(), note: z.string().optional() })).optional(),
  skippedRepeats: z.array(z.object({ sentence: z.string() }).passthrough()).optional(),
});
export type LabelFile = z.infer<typeof LabelFileSchema>;

export function readLabelFiles(dir: string): LabelFile[] {
  return readdirSync(dir).filter((file) => file.endsWith('.json')).sort()
    .map((file) => LabelFileSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8'))));
}

/** Where a labelled document's text lives: beside the labels, else in the shared corpus; null when absent. */
export function documentPath(labels: LabelFile, labelsDir: string, corpusDir: string): string | null {
  for (const dir of [join(labelsDir, 'documents'), corpusDir]) {
    const path = join(dir, labels.document);
    if (existsSync(path)) return path;
  }
  return null;
}
