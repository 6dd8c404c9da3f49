import { CheckIcon, CrossIcon } from './Icons';

/** The spoken and shown result of an action (saved, copied, deleted, or why not). */
export function StatusLine({ outcome }: { outcome: { ok: boolean; text: string } | null }) {
  return (
    <p class={`export-status ${outcome ? (outcome.ok ? 'ok' : 'fail') : ''}`} role="status" aria-live="polite">
      {outcome && (outcome.ok ? <CheckIcon /> : <CrossIcon />)}
      {outcome && <span>{outcome.text}</span>}
    </p>
  );
}
