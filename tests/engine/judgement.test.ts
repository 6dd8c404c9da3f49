import { describe, expect, it } from 'vitest';
import { bundledMatcher } from '../../lib/knowledge/dataset/load';
import { annotate } from '../../lib/pipeline';
import { loadLabelledSet } from '../../lib/node/eval/load-set';

/**
 * Two judgements the labelling spec makes absolute, checked on every labelled document (the shared corpus's when it
 * is checked out; the ones it would add are counted as skipped otherwise), one test per sentence:
 * - a promise ("we do not sell …") is never reported as a concern: no clause holding a labelled promise carries a
 *   provision severity, unless the same clause also offers an opt-out, or matches a recorded clause audited as
 *   "mixed" (it promises one thing and does another: the severity is the practice's);
 * - the company's own rights ("we reserve the right to …", "we may suspend …") are never opt-outs.
 */
const COMPANY_RIGHT = /\b(?:reserves? (?:the|all|its|our) rights?|we (?:may|can|might|will)(?: at any time)?,? (?:in our (?:sole )?discretion,? )?(?:suspend|terminate|refuse|remove|cancel|modify|change|disable|restrict|limit|block|revoke|decline|reject)|[A-Z]\w+ (?:may|can) (?:at any time )?(?:suspend|terminate|refuse|remove|cancel|disable|restrict|block|revoke|decline|reject))\b/;
const GIVES_A_CHOICE = /\byou (?:can|may)\b/i;
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

const { documents, skipped } = await loadLabelledSet();
const matcher = bundledMatcher();
const promises: Array<{ name: string; concern: string | null }> = [];
const rights: Array<{ name: string; highlighted: boolean }> = [];
for (const doc of documents) {
  const annotated = await annotate({ extraction: doc.input, url: `https://example.invalid/${doc.document}`, title: doc.document, looksLikePolicy: true, toolVersion: 'test', matcher });
  for (const label of doc.labels.filter((l) => l.type === 'promise')) {
    const concern = annotated.clauses.find((clause) => overlaps(clause, label) && clause.optOut === null && clause.provision?.severity != null && clause.provision.polarity !== 'mixed');
    promises.push({ name: `${doc.document}: ${label.quote}`, concern: concern ? `${concern.provision!.title} (${concern.provision!.severity})` : null });
  }
  const offers = annotated.clauses.flatMap((clause) => (clause.optOut === null ? [] : [clause.optOut]));
  for (const unit of doc.units) {
    const sentence = doc.text.slice(unit.start, unit.end).replace(/\s+/g, ' ');
    if (!COMPANY_RIGHT.test(sentence) || GIVES_A_CHOICE.test(sentence)) continue;
    if (doc.labels.some((label) => label.type === 'opt-out' && overlaps(label, unit))) continue;
    rights.push({ name: `${doc.document}: ${sentence.slice(0, 140)}`, highlighted: offers.some((offer) => overlaps(offer, unit)) });
  }
}
const note = skipped.length > 0 ? `; ${skipped.length} documents skipped: ../shared/corpus absent` : '';

describe(`labelled promises are never concerns (${promises.length} promises in ${documents.length} documents${note})`, () => {
  it('finds the labelled promises to check', () => expect(promises.length).toBeGreaterThan(skipped.length > 0 ? 50 : 300));
  it.each(promises)('$name', ({ concern }) => expect(concern).toBeNull());
});

describe(`company rights are not opt-outs (${rights.length} sentences${note})`, () => {
  it('finds the company-rights sentences to check', () => expect(rights.length).toBeGreaterThan(skipped.length > 0 ? 20 : 150));
  it.each(rights)('$name', ({ highlighted }) => expect(highlighted).toBe(false));
});
