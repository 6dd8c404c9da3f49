import { describe, expect, it } from 'vitest';
import { analyze } from '../../lib/engine/analyze';
import { loadLabelledSet } from '../../lib/node/eval/load-set';

/**
 * The company's own rights are never opt-outs (labelling spec): every sentence of the labelled documents in which
 * the company reserves a right or says it may suspend, terminate, refuse, remove… is listed here, one test each,
 * and none may be highlighted as an opt-out. Sentences that also give the reader a choice ("you can …") and the
 * labelled offers are left out. Documents of ../shared/corpus are included when it is checked out; the ones it
 * would add are named when it is absent.
 */
const COMPANY_RIGHT = /\b(?:reserves? (?:the|all|its|our) rights?|we (?:may|can|might|will)(?: at any time)?,? (?:in our (?:sole )?discretion,? )?(?:suspend|terminate|refuse|remove|cancel|modify|change|disable|restrict|limit|block|revoke|decline|reject)|[A-Z]\w+ (?:may|can) (?:at any time )?(?:suspend|terminate|refuse|remove|cancel|disable|restrict|block|revoke|decline|reject))\b/;
const GIVES_A_CHOICE = /\byou (?:can|may)\b/i;

const { documents, skipped } = await loadLabelledSet();
const cases = documents.flatMap((doc) => {
  const offers = analyze(doc.input).flatMap((clause) => (clause.optOut === null ? [] : [clause.optOut]));
  return doc.units.flatMap((unit) => {
    const sentence = doc.text.slice(unit.start, unit.end).replace(/\s+/g, ' ');
    if (!COMPANY_RIGHT.test(sentence) || GIVES_A_CHOICE.test(sentence)) return [];
    if (doc.labels.some((label) => label.type === 'opt-out' && label.start < unit.end && unit.start < label.end)) return [];
    const highlighted = offers.some((offer) => offer.start < unit.end && unit.start < offer.end);
    return [{ name: `${doc.document}: ${sentence.slice(0, 140)}`, highlighted }];
  });
});

describe(`company rights are not opt-outs (${cases.length} sentences${skipped.length ? `; ${skipped.length} documents skipped: ../shared/corpus absent` : ''})`, () => {
  it('finds the company-rights sentences to check', () => {
    expect(cases.length).toBeGreaterThan(skipped.length > 0 ? 20 : 150);
  });
  it.each(cases)('$name', ({ highlighted }) => {
    expect(highlighted).toBe(false);
  });
});
