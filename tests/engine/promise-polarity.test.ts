import { describe, expect, it } from 'vitest';
import { negatesAPractice } from '../../lib/engine/learned/features';

/**
 * The polarity the provision matcher reads before it gives a severity (lib/knowledge/match/apply.ts): a sentence that
 * says the company does not do something is a promise, never a concern. Restraint worded with "only" counts when it
 * rules the worrying use out otherwise; a retention period does not (the bundled dataset records it as a practice).
 */
describe('negatesAPractice', () => {
  it.each([
    'We do not sell your personal information.',
    'We\'ll never sell your personal information.',
    'We’ll never contact you to ask for your password.',
    'We will only use your information for email direct marketing if you consent when creating your account.',
    'They may access the data only for the purpose of resolving issues associated with the use of the services.',
    'At this time, we only use your Sensitive Personal Information as is necessary to provide our services.',
    'No account is blocked automatically without first undergoing a verification process.',
    'Changes will not apply retroactively.',
  ])('reads a promise: %s', (sentence) => expect(negatesAPractice(sentence)).toBe(true));

  it.each([
    'We keep your personal data only as long as necessary to provide you with our services.',
    'We share your information with service providers who help us run the service.',
    'We do not guarantee that the service will be error-free.',
    'We do not respond to Do Not Track signals.',
    'You can opt out of marketing emails at any time.',
  ])('reads no promise: %s', (sentence) => expect(negatesAPractice(sentence)).toBe(false));
});
