import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { annotateFileWithText } from '../cli/annotate';
import { TOPICS } from '../../engine/model/topics';
import { locateQuote, scoreSpans, type Scored, type Span } from './score';

/**
 * Scores the engine on one labelled document of tests/fixtures/labels, through the CLI's code path. Shared by
 * `npm run eval` and the regression test, so both count the same way.
 */
export const LabelFileSchema = z.object({
  document: z.string(),
  split: z.enum(['dev', 'test']),
  optOuts: z.array(z.object({
    quote: z.string(),
    topic: z.enum(TOPICS),
    mechanism: z.string(),
    exceptions: z.array(z.object({ quote: z.string(), note: z.string().optional() })),
  })),
  /** sentences that occur more than once, so no quote can be unique: detections inside them are not scored */
  skippedRepeats: z.array(z.object({ sentence: z.string() }).passthrough()).optional(),
});
export type LabelFile = z.infer<typeof LabelFileSchema>;

export interface Located extends Span {
  quote: string;
  topic: string;
  document: string;
}
export interface Predicted extends Span {
  text: string;
  topic: string;
  document: string;
}

export interface DocumentScore {
  document: string;
  split: 'dev' | 'test';
  optOut: Scored<Predicted, Located>;
  exception: Scored<Predicted, Located>;
  /** labelled quotes not found in the extracted text (not scored) */
  unlocated: string[];
}

export function readLabelFiles(dir: string): LabelFile[] {
  return readdirSync(dir).filter((file) => file.endsWith('.json')).sort()
    .map((file) => LabelFileSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8'))));
}

/** Every place a sentence occurs, found through its plain text (Markdown links and emphasis dropped). */
function occurrences(text: string, sentence: string): Span[] {
  const plain = sentence.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\*\*|__/g, '');
  const first = locateQuote(text, plain);
  if (first === null) return [];
  const needle = text.slice(first.start, first.end);
  const spans: Span[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) spans.push({ start: at, end: at + needle.length });
  return spans;
}

export async function scoreLabelledDocument(labels: LabelFile, corpusDir: string): Promise<DocumentScore> {
  const { document: doc, text } = await annotateFileWithText(join(corpusDir, labels.document), `https://example.invalid/${labels.document}`, 'eval');
  const unlocated: string[] = [];
  const locate = (quote: string, topic: string): Located | null => {
    const span = locateQuote(text, quote);
    if (span === null) unlocated.push(quote);
    return span && { ...span, quote, topic, document: labels.document };
  };
  const offerLabels = labels.optOuts.map((label) => locate(label.quote, label.topic)).filter((span): span is Located => span !== null);
  const exceptionLabels = labels.optOuts
    .flatMap((label) => label.exceptions.map((exception) => locate(exception.quote, label.topic)))
    .filter((span): span is Located => span !== null);
  const ignore = (labels.skippedRepeats ?? []).flatMap((repeat) => occurrences(text, repeat.sentence));
  const offers: Predicted[] = doc.clauses.filter((clause) => clause.optOut !== null).map((clause) => ({
    start: clause.optOut!.start,
    end: clause.optOut!.end,
    text: text.slice(clause.optOut!.start, clause.optOut!.end),
    topic: clause.topic,
    document: labels.document,
  }));
  const exceptions: Predicted[] = doc.clauses.flatMap((clause) => clause.exceptions.map((exception) => ({
    start: exception.start,
    end: exception.end,
    text: exception.text,
    topic: clause.topic,
    document: labels.document,
  })));
  return {
    document: labels.document,
    split: labels.split,
    optOut: scoreSpans(offers, offerLabels, ignore),
    exception: scoreSpans(exceptions, exceptionLabels, ignore),
    unlocated,
  };
}
