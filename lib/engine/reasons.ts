import type { ExceptionKind } from './model/analysis';
import { MECHANISM_NAMES, type Mechanism } from './model/topics';

/**
 * "Why is this highlighted?" lines, from the structured findings. The analysis writes them into `why`; the hover card
 * builds its lines from the same findings with the same functions, never by reading `why` back.
 */
export function offerReason(optOut: { cue: string }): string {
  return `Opt-out offer: “${optOut.cue}”`;
}

export function howReason(optOut: { mechanism: Mechanism; target: string | null }): string {
  return `How: ${MECHANISM_NAMES[optOut.mechanism]}${optOut.target ? ` (${optOut.target})` : ''}`;
}

export function exceptionReason(exception: { cue: string; plain: string }): string {
  return `Exception: “${exception.cue}” — ${exception.plain}`;
}

export function promiseReason(): string {
  return 'Promise: the text says they do not do this';
}

/** What an exception of each kind means for the person: the hover card's title ("not undone" is not "still happens"). */
export const EXCEPTION_KIND_TITLES: Record<ExceptionKind, string> = {
  continues: 'Still happens after you opt out',
  'not-covered': 'Not covered by the opt-out',
  condition: 'A condition on the opt-out',
  'not-retroactive': 'Not undone by opting out',
  'legal-override': 'The law can override your opt-out',
};
