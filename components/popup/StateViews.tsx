import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { PopupApi } from './api';
import { CrossIcon, WarningIcon } from './Icons';
import { REGIME_WORDS, SEVERITY_WORDS } from './words';
import { MECHANISM_NAMES } from '../../lib/engine/model/topics';
import type { KnownPlatform, KnownPlatformClause } from '../../lib/knowledge/platforms';
import type { PolicyLink } from '../../lib/extension/page/discover';

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

/** Only http(s) addresses become links; anything else is shown as text (the schemas already refuse it). */
function isHttp(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** "example.com/legal/privacy": where a link goes, short enough to read at a glance. */
function shortAddress(url: string): string {
  try {
    const parsed = new URL(url);
    const path = parsed.pathname === '/' ? '' : parsed.pathname;
    const short = `${parsed.hostname.replace(/^www\./, '')}${path}`;
    return short.length > 60 ? `${short.slice(0, 60)}…` : short;
  } catch {
    return url.slice(0, 60);
  }
}

function OutLink({ url, children }: { url: string; children: ComponentChildren }) {
  if (!isHttp(url)) return <span>{children}</span>;
  return (
    <a href={url} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

function OpenAnnotatedButton({ url, label, onOpen }: { url: string; label: string; onOpen?: (url: string) => void }) {
  if (!onOpen || !isHttp(url)) return null;
  return (
    <button type="button" class="button-secondary" onClick={() => onOpen(url)} aria-label={`Open and annotate: ${label}`}>
      Open and annotate
    </button>
  );
}

function KnownClauseItem({ clause }: { clause: KnownPlatformClause }) {
  const promise = clause.polarity === 'promise';
  const regime = REGIME_WORDS[clause.default];
  return (
    <li class="known-clause">
      <p>
        <strong>{clause.provision}</strong>{' '}
        {promise ? (
          <span class="severity severity-promise">Promise</span>
        ) : (
          <span class={`severity severity-${clause.severity}`}>{SEVERITY_WORDS[clause.severity]}</span>
        )}
      </p>
      {promise ? (
        <p class="small">The policy says this does not happen.</p>
      ) : (
        <p class="small">
          {[regime, clause.optOut ? `Opt out ${MECHANISM_NAMES[clause.optOut]}` : 'No opt-out recorded'].filter(Boolean).join('. ')}.
        </p>
      )}
      {clause.exceptions.length > 0 && (
        <>
          <p class="small still-label">Still happens after you opt out:</p>
          <ul class="still-list small">
            {clause.exceptions.map((exception, i) => (
              <li key={i}>{exception}</li>
            ))}
          </ul>
        </>
      )}
      <p class="muted small">
        <OutLink url={clause.url}>{clause.documentTitle}</OutLink>
        {`, recorded ${clause.recordedAt}`}
      </p>
    </li>
  );
}

/** How many known clauses show before "All known clauses". */
export const KNOWN_CLAUSES_SHOWN = 4;

/**
 * On a page of a platform the dataset knows (its app, its home page), what its policies say, from the dataset: the
 * page itself is not read. As ToS;DR does for its services, but with the clauses' own defaults, opt-outs and exceptions.
 */
export function KnownPlatformView({ platform, onOpen }: { platform: KnownPlatform; onOpen?: (url: string) => void }) {
  const shown = platform.clauses.slice(0, KNOWN_CLAUSES_SHOWN);
  const rest = platform.clauses.slice(KNOWN_CLAUSES_SHOWN);
  const latest = platform.documents.map((document) => document.recordedAt).sort().at(-1);
  return (
    <section class="known-platform" aria-labelledby="known-platform-title">
      <h2 id="known-platform-title">{`What ${platform.name}'s policies say`}</h2>
      <p class="muted small">
        {`From Clausemark's dataset ${platform.datasetVersion}${latest ? `, recorded up to ${latest}` : ''}: ${platform.clauses.length} known ${platform.clauses.length === 1 ? 'clause' : 'clauses'}. The live policies may have changed since.`}
      </p>
      <ul class="known-clauses">
        {shown.map((clause) => (
          <KnownClauseItem key={clause.id} clause={clause} />
        ))}
      </ul>
      {rest.length > 0 && (
        <details>
          <summary>{`All ${platform.clauses.length} known clauses`}</summary>
          <ul class="known-clauses">
            {rest.map((clause) => (
              <KnownClauseItem key={clause.id} clause={clause} />
            ))}
          </ul>
        </details>
      )}
      <h3>{`${platform.name}'s policies`}</h3>
      <ul class="policy-links">
        {platform.documents.map((document) => (
          <li key={document.url}>
            <OutLink url={document.url}>{document.title}</OutLink>{' '}
            <OpenAnnotatedButton url={document.url} label={document.title} onOpen={onOpen} />
          </li>
        ))}
      </ul>
    </section>
  );
}

const KIND_WORDS: Record<PolicyLink['kind'], string> = { privacy: 'Privacy policy', terms: 'Terms' };

/** The site's own policy and terms, found in the page's links: offered to open here, annotated. */
export function FoundPolicyLinksView({ links, onOpen }: { links: PolicyLink[]; onOpen?: (url: string) => void }) {
  const safe = links.filter((link) => isHttp(link.href));
  if (safe.length === 0) return null;
  return (
    <section class="found-links" aria-labelledby="found-links-title">
      <h2 id="found-links-title">This site's policies</h2>
      <p class="muted small">Found in this page's links. Open one to read it with its opt-outs and exceptions highlighted.</p>
      <ul class="policy-links">
        {safe.map((link) => (
          <li key={link.href}>
            <p>
              <strong>{`${KIND_WORDS[link.kind]}: `}</strong>
              <OutLink url={link.href}>{link.text}</OutLink>
            </p>
            <p class="muted small url">{shortAddress(link.href)}</p>
            <OpenAnnotatedButton url={link.href} label={`${KIND_WORDS[link.kind]}, ${link.text}`} onOpen={onOpen} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A page in a language the engine does not read: said plainly, so an empty result is never read as "no opt-outs". */
export function UnsupportedLanguageView({ language }: { language: string }) {
  return (
    <StateView title="Not in English" tone="warn">
      <p>{`Clausemark reads English policies; this page is in ${language}.`}</p>
      <p class="muted">
        Nothing was highlighted, which says nothing about what the policy offers. If the site has an English version of
        this page, open it and Clausemark can read it.
      </p>
    </StateView>
  );
}
