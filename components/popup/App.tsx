import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { AnnotatedDocument } from '../../lib/document/schema';
import { TabStateSchema, type TabState } from '../../lib/extension/messages/tab-state';
import type { DocumentChanges } from '../../lib/document/history/schema';
import { browserApi, browserHistoryApi, type PopupApi } from './api';
import { ChangesView } from './ChangesView';
import { HistoryView, type HistoryApi } from './HistoryView';
import { ClauseList } from './ClauseList';
import { ExportBar } from './ExportBar';
import {
  AnalyzingView,
  AutomaticModeOffer,
  ErrorView,
  FoundPolicyLinksView,
  IdleView,
  KnownPlatformView,
  LoadingView,
  NoTabView,
  NotAPolicyView,
  NothingFoundView,
  RestrictedView,
  UnsupportedLanguageView,
} from './StateViews';
import type { KnownPlatform } from '../../lib/knowledge/platforms';
import type { PolicyLink } from '../../lib/extension/page/discover';
import { Summary } from './Summary';
import { errorText } from '../../lib/engine/text/format';

/** While the page is being read, ask the background for news this often. */
export const POLL_MS = 400;
/** After "Analyse", how long an unchanged answer from the background is taken as "not started yet". */
const START_GRACE_MS = 15_000;

/** Views that offer to turn automatic annotation on (or off): where the person is not waiting on anything. */
const OFFERS_AUTOMATIC_MODE: ReadonlySet<string> = new Set(['idle', 'not-a-policy', 'done', 'restricted']);

/**
 * States where the page itself is not (yet) a read policy: there the popup also says what the dataset knows of the
 * page's platform, or offers the site's own policy and terms found in the page's links.
 */
const OFFERS_POLICIES: ReadonlySet<string> = new Set(['idle', 'not-a-policy', 'unsupported-language']);

/** What the popup found for the page: its platform in the dataset, and the policy links on the page. */
type Guide = { platform: KnownPlatform | null; links: PolicyLink[] };

type View = { kind: 'loading' } | { kind: 'no-tab' } | { kind: 'state'; state: TabState };
/** The popup shows this tab's analysis, or the history of every analysis. */
type Screen = 'tab' | 'history';

/** Set when the person asks for an analysis, cleared once the background shows it running or finished. */
type Awaiting = { since: number; staleStatus: TabState['status'] };


const UNREADABLE_REPLY =
  "Clausemark's background sent an answer the popup couldn't read. Reload the page and try again.";

function Header({
  doc,
  screen,
  onScreen,
  onOptions,
}: {
  doc: AnnotatedDocument | null;
  screen: Screen;
  onScreen: (screen: Screen) => void;
  onOptions: () => void;
}) {
  const info = doc?.document;
  return (
    <header class="top">
      <div class="header-row">
        <h1>Clausemark</h1>
        <nav aria-label="Clausemark" class="header-nav">
          {screen === 'tab' ? (
            <button type="button" class="button-secondary" onClick={() => onScreen('history')}>
              History
            </button>
          ) : (
            <button type="button" class="button-secondary" onClick={() => onScreen('tab')}>
              Back to this page
            </button>
          )}
          <button type="button" class="button-secondary" onClick={onOptions}>
            Settings
          </button>
        </nav>
      </div>
      {info && (
        <p class="page-title" title={info.title}>
          {info.title.trim() || info.url}
        </p>
      )}
      {info && (
        <p class="dataset">
          {info.dataset ? (
            <>
              {`Known clauses: dataset ${info.dataset.version}, recorded through `}
              <span class="nowrap">{info.dataset.recordedThrough}</span>
            </>
          ) : (
            'No dataset of known clauses was used'
          )}
          {' · analysed '}
          <span class="nowrap">{info.analyzedAt.slice(0, 10)}</span>
        </p>
      )}
    </header>
  );
}

function DoneView({
  doc,
  changes,
  onJump,
}: {
  doc: AnnotatedDocument;
  changes?: DocumentChanges;
  onJump: (clauseId: string) => Promise<boolean>;
}) {
  // The summary paints first; the clause list (dozens of clauses with their provision details) follows a frame
  // later, so the popup shows its answer without waiting for the long list.
  const [listReady, setListReady] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setListReady(true), 0);
    return () => clearTimeout(timer);
  }, [doc]);
  return (
    <>
      {changes && <ChangesView changes={changes} />}
      {doc.clauses.length === 0 ? (
        <NothingFoundView />
      ) : (
        <>
          <Summary doc={doc} onJump={onJump} />
          {listReady ? <ClauseList doc={doc} onJump={onJump} /> : <p class="muted">Loading the clauses…</p>}
        </>
      )}
      <ExportBar doc={doc} />
    </>
  );
}

export function App({
  api = browserApi,
  historyApi = browserHistoryApi,
  pollMs = POLL_MS,
}: {
  api?: PopupApi;
  historyApi?: HistoryApi;
  pollMs?: number;
}) {
  const [tabId, setTabId] = useState<number | null>(null);
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [screen, setScreen] = useState<Screen>('tab');
  const alive = useRef(true);
  const summaryMarked = useRef(false);
  /** bumped whenever an answer still in flight must be ignored */
  const generation = useRef(0);
  const awaiting = useRef<Awaiting | null>(null);
  const mainRef = useRef<HTMLElement>(null);
  const [guide, setGuide] = useState<Guide | null>(null);

  const refresh = useCallback(
    async (id: number) => {
      const gen = generation.current;
      let next: TabState;
      try {
        const parsed = TabStateSchema.safeParse(await api.getTabState(id));
        next = parsed.success ? parsed.data : { status: 'error', reason: UNREADABLE_REPLY };
      } catch (error) {
        next = { status: 'error', reason: `Couldn't reach Clausemark's background: ${errorText(error)}` };
      }
      if (!alive.current || gen !== generation.current) return;

      const wait = awaiting.current;
      if (wait) {
        const fresh = Date.now() - wait.since < START_GRACE_MS;
        if (fresh && (next.status === 'idle' || next.status === wait.staleStatus)) {
          // The page has not reported yet: keep showing that it is starting.
          next = { status: 'analyzing', done: 0, total: 0 };
        } else {
          awaiting.current = null;
        }
      }
      setView({ kind: 'state', state: next });
    },
    [api],
  );

  // The popup's open time, on its performance timeline: the frame after the first summary is rendered.
  useEffect(() => {
    if (summaryMarked.current || view.kind !== 'state' || view.state.status !== 'done') return;
    summaryMarked.current = true;
    requestAnimationFrame(() => performance.mark('clausemark:summary-painted'));
  }, [view]);

  useEffect(() => {
    alive.current = true;
    void (async () => {
      let id: number | null;
      try {
        id = await api.getActiveTabId();
      } catch (error) {
        if (alive.current) setView({ kind: 'state', state: { status: 'error', reason: errorText(error) } });
        return;
      }
      if (!alive.current) return;
      if (id === null) {
        setView({ kind: 'no-tab' });
        return;
      }
      setTabId(id);
      await refresh(id);
    })();
    return () => {
      alive.current = false;
    };
  }, [api, refresh]);

  // Poll while the page is being read; one request at a time.
  useEffect(() => {
    if (tabId === null || view.kind !== 'state' || view.state.status !== 'analyzing') return;
    const timer = setTimeout(() => void refresh(tabId), pollMs);
    return () => clearTimeout(timer);
  }, [view, tabId, refresh, pollMs]);

  // When the control that had focus disappeared with the old view, keep keyboard users in the popup's content.
  const statusKey = view.kind === 'state' ? view.state.status : view.kind;

  // Once per page: the platform the page belongs to and the policy links it shows, asked only where they help.
  const wantsGuide = screen === 'tab' && OFFERS_POLICIES.has(statusKey);
  useEffect(() => {
    if (tabId === null || !wantsGuide || guide !== null) return;
    let current = true;
    void Promise.all([
      api.knownPlatform ? api.knownPlatform(tabId).catch(() => null) : Promise.resolve(null),
      api.findPolicyLinks ? api.findPolicyLinks(tabId).catch(() => []) : Promise.resolve([]),
    ]).then(([platform, links]) => {
      if (current && alive.current) setGuide({ platform, links });
    });
    return () => {
      current = false;
    };
  }, [api, tabId, wantsGuide, guide]);
  useEffect(() => {
    if (statusKey === 'loading') return;
    const active = document.activeElement;
    if (!active || active === document.body) mainRef.current?.focus({ preventScroll: true });
  }, [statusKey, screen]);

  /** Shows "analysing" at once and waits for the background; if the start itself fails, says so with `failure`. */
  async function startAnalysis(start: () => Promise<void>, failure: (error: string) => string) {
    generation.current += 1;
    awaiting.current = { since: Date.now(), staleStatus: view.kind === 'state' ? view.state.status : 'idle' };
    setView({ kind: 'state', state: { status: 'analyzing', done: 0, total: 0 } });
    try {
      await start();
    } catch (error) {
      if (!alive.current) return;
      generation.current += 1;
      awaiting.current = null;
      setView({ kind: 'state', state: { status: 'error', reason: failure(errorText(error)) } });
    }
  }

  async function analyze() {
    if (tabId === null) return;
    await startAnalysis(() => api.analyzeNow(tabId), (error) => `Clausemark couldn't start on this page: ${error}`);
  }

  /** Opens a policy in this tab and analyses it there (the tab's access from the click holds on the same site). */
  async function openPolicy(url: string) {
    const openAndAnalyze = api.openAndAnalyze;
    if (tabId === null || !openAndAnalyze) return;
    setGuide(null);
    await startAnalysis(
      () => openAndAnalyze(tabId, url),
      (error) => `The policy is open in this tab, but Clausemark may not read it from here (${error}). Click the Clausemark icon on that page to annotate it.`,
    );
  }

  async function jump(clauseId: string): Promise<boolean> {
    if (tabId === null) return false;
    try {
      await api.jumpToClause(tabId, clauseId);
      return true;
    } catch {
      return false;
    }
  }

  function showScreen(next: Screen) {
    setScreen(next);
    // Back from the history: the stored data may have been deleted meanwhile.
    if (next === 'tab' && tabId !== null) void refresh(tabId);
  }

  function openOptions() {
    void historyApi.openOptions().catch(() => undefined);
  }

  const onAnalyze = () => void analyze();
  let body;
  let doc: AnnotatedDocument | null = null;
  if (screen === 'history') body = <HistoryView api={historyApi} />;
  else if (view.kind === 'loading') body = <LoadingView />;
  else if (view.kind === 'no-tab') body = <NoTabView />;
  else {
    const state = view.state;
    switch (state.status) {
      case 'idle':
        body = <IdleView onAnalyze={onAnalyze} />;
        break;
      case 'restricted':
        body = <RestrictedView url={state.url} />;
        break;
      case 'analyzing':
        body = <AnalyzingView done={state.done} total={state.total} />;
        break;
      case 'not-a-policy':
        body = <NotAPolicyView onAnalyze={onAnalyze} />;
        break;
      case 'error':
        body = <ErrorView reason={state.reason} onRetry={tabId === null ? undefined : onAnalyze} />;
        break;
      case 'unsupported-language':
        body = <UnsupportedLanguageView language={state.language} />;
        break;
      case 'done':
        doc = state.document;
        body = <DoneView doc={state.document} changes={state.changes} onJump={jump} />;
        break;
    }
  }

  const onOpen = api.openAndAnalyze ? (url: string) => void openPolicy(url) : undefined;
  const guideViews = screen === 'tab' && OFFERS_POLICIES.has(statusKey) && guide !== null
    ? guide.platform !== null
      ? <KnownPlatformView platform={guide.platform} onOpen={onOpen} />
      : <FoundPolicyLinksView links={guide.links} onOpen={onOpen} />
    : null;
  // What the page is comes first when it is a finding (another language); otherwise what is known of its site does.
  if (guideViews !== null) {
    body = statusKey === 'unsupported-language' ? <>{body}{guideViews}</> : <>{guideViews}{body}</>;
  }

  return (
    <div class="popup">
      <Header doc={doc} screen={screen} onScreen={showScreen} onOptions={openOptions} />
      <main ref={mainRef} tabIndex={-1} aria-busy={statusKey === 'loading' || statusKey === 'analyzing'}>
        {body}
        {screen === 'tab' && OFFERS_AUTOMATIC_MODE.has(statusKey) && <AutomaticModeOffer api={api} />}
      </main>
    </div>
  );
}
