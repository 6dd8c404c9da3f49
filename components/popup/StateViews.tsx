import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { PopupApi } from './api';
import { CrossIcon, WarningIcon } from './Icons';

/** One calm message per state. Every string here is ours, except `reason` and `url`, which are rendered as text. */

function StateView({ title, children, tone = 'neutral' }: { title: string; children?: ComponentChildren; tone?: 'neutral' | 'warn' | 'error' }) {
  return (
    <section class={`state state-${tone}`} aria-labelledby="state-title">
      <h2 id="state-title">
        {tone === 'error' && <CrossIcon />}
        {tone === 'warn' && <WarningIcon />}
        <span>{title}</span>
      </h2>
      {children}
    </section>
  );
}

export function LoadingView() {
  return (
    <StateView title="Looking at this tab…">
      <p class="muted">One moment.</p>
    </StateView>
  );
}

export function NoTabView() {
  return (
    <StateView title="No page to read" tone="warn">
      <p>Open a privacy policy or terms page in this window, then open Clausemark again.</p>
    </StateView>
  );
}

export function IdleView({ onAnalyze }: { onAnalyze: () => void }) {
  return (
    <StateView title="Not analysed yet">
      <p>Clausemark reads this page on your computer and highlights each opt-out and every exception to it.</p>
      <button type="button" class="button-primary" onClick={onAnalyze}>
        Analyse this page
      </button>
    </StateView>
  );
}

export function RestrictedView({ url }: { url: string }) {
  return (
    <StateView title="Can't read this page" tone="warn">
      <p>Clausemark can't read browser pages, the PDF viewer or the extension store.</p>
      {url && <p class="muted url">{url.length > 120 ? `${url.slice(0, 120)}…` : url}</p>}
    </StateView>
  );
}

export function AnalyzingView({ done, total }: { done: number; total: number }) {
  const known = Number.isFinite(total) && total > 0;
  const shown = known ? Math.min(Math.max(0, Math.floor(done)), Math.floor(total)) : 0;
  const words = known ? `${shown} of ${Math.floor(total)} parts read` : 'Starting…';
  return (
    <StateView title="Reading this page…">
      {known ? (
        <progress class="progress" max={Math.floor(total)} value={shown} aria-label="Analysis progress" aria-valuetext={words} />
      ) : (
        <progress class="progress" aria-label="Analysis progress" aria-valuetext={words} />
      )}
      <p class="muted" aria-live="polite">
        {words}
      </p>
    </StateView>
  );
}

export function NotAPolicyView({ onAnalyze }: { onAnalyze: () => void }) {
  return (
    <StateView title="Not a policy, it seems">
      <p>This page doesn't look like a privacy policy or terms.</p>
      <p class="muted">If it is one, Clausemark can read it anyway.</p>
      <button type="button" class="button-primary" onClick={onAnalyze}>
        Analyse anyway
      </button>
    </StateView>
  );
}

export function ErrorView({ reason, onRetry }: { reason: string; onRetry?: () => void }) {
  return (
    <StateView title="Something went wrong" tone="error">
      <p class="error-reason">{reason.length > 400 ? `${reason.slice(0, 400)}…` : reason}</p>
      {onRetry && (
        <button type="button" class="button-primary" onClick={onRetry}>
          Try again
        </button>
      )}
    </StateView>
  );
}

export function NothingFoundView() {
  return (
    <StateView title="Nothing found">
      <p>No opt-outs or data-use clauses found on this page.</p>
      <p class="muted">Clausemark only highlights what the text says plainly; it may miss unusual wording.</p>
    </StateView>
  );
}

type AutomaticModeApi = Pick<PopupApi, 'automaticMode' | 'requestAutomaticMode' | 'stopAutomaticMode'>;

/**
 * Automatic mode is opt-in: it needs access to every page, which the browser grants only when asked from a click.
 * Without it, Clausemark reads a page only when the person asks, through the toolbar icon.
 */
export function AutomaticModeOffer({ api }: { api: AutomaticModeApi }) {
  const [granted, setGranted] = useState<boolean | null>(null);
  const [note, setNote] = useState('');

  useEffect(() => {
    let alive = true;
    api.automaticMode?.().then(
      (value) => alive && setGranted(value),
      () => alive && setGranted(null),
    );
    return () => {
      alive = false;
    };
  }, [api]);

  if (granted === null || !api.requestAutomaticMode || !api.stopAutomaticMode) return null;
  const request = api.requestAutomaticMode;
  const stop = api.stopAutomaticMode;

  function turnOn() {
    // Called at once in the click handler: the browser shows its prompt only for a user gesture.
    request().then(
      (value) => {
        setGranted(value);
        setNote(value ? 'Policy pages you open from now on are annotated automatically.' : 'Access not granted: nothing changed.');
      },
      (error: unknown) => setNote(`The browser refused: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  function turnOff() {
    stop().then(
      () => {
        setGranted(false);
        setNote('Automatic annotation is off. Clausemark reads a page only when you ask.');
      },
      (error: unknown) => setNote(`Couldn't turn it off: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  return (
    <section class="automatic-mode" aria-label="Automatic annotation">
      {granted ? (
        <>
          <p class="muted">Policy pages are annotated automatically as they open.</p>
          <button type="button" class="button-secondary" onClick={turnOff}>
            Stop annotating automatically
          </button>
        </>
      ) : (
        <>
          <p class="muted">
            Clausemark can notice policy pages as they open and highlight them without a click. Your browser will ask
            to let it read the pages you visit; nothing leaves your computer.
          </p>
          <button type="button" class="button-secondary" onClick={turnOn}>
            Annotate policy pages automatically
          </button>
        </>
      )}
      <p class="muted" role="status">
        {note}
      </p>
    </section>
  );
}
