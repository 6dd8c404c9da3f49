/** The topics a clause can be about. Stable ids: they appear in exports, the dataset and the labelled set. */
export const TOPICS = [
  'model-training',
  'human-review',
  'marketing-messages',
  'advertising',
  'sale-sharing',
  'affiliates-sharing',
  'cookies-tracking',
  'do-not-track',
  'analytics',
  'personalization',
  'data-retention',
  'location',
  'sensitive-data',
  'children',
  'international-transfer',
  'authorities-disclosure',
  'arbitration',
  'terms-changes',
  'account-termination',
  'liability',
  'content-licence',
  'ai-output-ownership',
  'other',
] as const;

export type Topic = (typeof TOPICS)[number];

/** What a person reads for each topic: "your data is used for …". */
export const TOPIC_NAMES: Record<Topic, string> = {
  'model-training': 'training AI models on your content',
  'human-review': 'people reviewing your conversations or content',
  'marketing-messages': 'marketing emails and messages',
  advertising: 'targeted advertising',
  'sale-sharing': 'selling or sharing your personal data',
  'affiliates-sharing': 'sharing with affiliates and partners',
  'cookies-tracking': 'cookies and tracking',
  'do-not-track': 'Do Not Track and Global Privacy Control signals',
  analytics: 'analytics and measurement',
  personalization: 'personalising what you see',
  'data-retention': 'keeping your data',
  location: 'your location',
  'sensitive-data': 'sensitive or biometric data',
  children: "children's data",
  'international-transfer': 'moving your data to other countries',
  'authorities-disclosure': 'handing data to authorities',
  arbitration: 'arbitration instead of court, and class actions',
  'terms-changes': 'changing the terms',
  'account-termination': 'closing or suspending your account',
  liability: 'limits on their liability',
  'content-licence': 'a licence to your content',
  'ai-output-ownership': 'who owns AI outputs',
  other: 'other data uses',
};

export const MECHANISMS = [
  'settings',
  'link',
  'unsubscribe-link',
  'email',
  'form',
  'contact',
  'browser',
  'device',
  'global-privacy-control',
  'written-notice',
  'unspecified',
] as const;
export type Mechanism = (typeof MECHANISMS)[number];

export const MECHANISM_NAMES: Record<Mechanism, string> = {
  settings: 'in your account settings',
  link: 'through a link they provide',
  'unsubscribe-link': 'with the unsubscribe link in their messages',
  email: 'by emailing them',
  form: 'with a form they provide',
  contact: 'by contacting them',
  browser: 'in your browser settings',
  device: 'in your device settings',
  'global-privacy-control': 'with the Global Privacy Control signal of your browser',
  'written-notice': 'by sending written notice',
  unspecified: 'in a way the text does not spell out',
};

/** The default regime: does it happen unless you act, or only if you agree? */
export const DEFAULT_REGIMES = ['applies-unless-opt-out', 'only-if-opt-in', 'unknown'] as const;
export type DefaultRegime = (typeof DEFAULT_REGIMES)[number];
