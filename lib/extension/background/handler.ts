import { BackgroundRequest, CONTENT_SCRIPT_ONLY, EXTENSION_PAGE_ONLY } from '../messages/protocol';
import { AnnotatedDocumentSchema, type AnnotatedDocument } from '../../document/schema';
import type { TabState } from '../messages/tab-state';
import type { ClausemarkDatabase, TabRecord } from '../db/database';
import { withProvisions } from '../../knowledge/match/apply';
import type { ProvisionMatcher } from '../../knowledge/match/matcher';
import { compareAnalyses } from '../../document/history/compare';
import { pageAddress, toHistoryEntry } from '../../document/history/entry';
import type { DocumentChanges, HistoryEntry } from '../../document/history/schema';
import { loadSettings, saveSettings } from '../settings/store';
import type { Settings } from '../settings/settings';

/**
 * The background worker's message handling, with its browser dependencies passed in so tests drive it with a fake
 * browser. Every message is parsed before use and its sender checked; a bad one is logged and answered with an
 * error, never thrown.
 */
export interface MessageSender {
  id?: string;
  url?: string;
  tab?: { id?: number; url?: string };
}

export interface BackgroundDeps {
  db: ClausemarkDatabase;
  matcher: () => ProvisionMatcher;
  extensionId: string;
  /** the origin of the extension's own pages, e.g. chrome-extension://<id>/ */
  extensionOrigin: string;
  setBadge: (tabId: number, text: string, title: string) => Promise<void>;
  log?: (message: string) => void;
}

export type Reply =
  | { ok: true; document?: AnnotatedDocument }
  | { ok: true; settings: Settings }
  | { ok: true; entries: HistoryEntry[] }
  | { ok: true; entry: HistoryEntry; document: AnnotatedDocument; changes: DocumentChanges | null }
  | { ok: false; error: string };

/** The history list shows at most this many visits, newest first. */
export const HISTORY_LIMIT = 500;

/** The badge when the page changed since the last visit (its title says so in words). */
export const CHANGED_BADGE = 'Δ';

function plural(count: number, one: string): string {
  return `${count} ${one}${count === 1 ? '' : 's'}`;
}

/** Badge text and title for a finished analysis. */
export function badgeFor(document: AnnotatedDocument, changes: DocumentChanges | null): { text: string; title: string } {
  const { exceptionCount, optOutCount } = document.summary;
  const counts = `${plural(optOutCount, 'opt-out')}, ${plural(exceptionCount, 'exception')} to them`;
  if (changes?.documentChanged) {
    return {
      text: CHANGED_BADGE,
      title: `Changed since your last visit (${changes.previousAnalyzedAt.slice(0, 10)}). Clausemark: ${counts}`,
    };
  }
  return {
    text: exceptionCount > 0 ? String(exceptionCount) : optOutCount > 0 ? String(optOutCount) : '',
    title: `Clausemark: ${counts}`,
  };
}

export function createMessageHandler(deps: BackgroundDeps) {
  const log = deps.log ?? ((message: string) => console.warn(`Clausemark background: ${message}`));

  const reject = (error: string): Reply => {
    log(error);
    return { ok: false, error };
  };

  const saveTab = (tabId: number, state: TabRecord['state']) =>
    deps.db.tabs.put({ tabId, state, updatedAt: new Date().toISOString() });

  /** Replies { ok, … }, except get-tab-state, which replies with the TabState itself (what the popup parses). */
  return async function handle(raw: unknown, sender: MessageSender): Promise<Reply | TabState> {
    if (sender.id !== deps.extensionId) return reject('rejected a message from outside the extension');
    const parsed = BackgroundRequest.safeParse(raw);
    if (!parsed.success) {
      return reject(`rejected a malformed message: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
    }
    const message = parsed.data;
    const tabId = sender.tab?.id;
    // Extension pages can sit in a tab too (the popup opened as a page): the sender's URL tells them apart.
    const fromExtensionPage = (sender.url ?? '').startsWith(deps.extensionOrigin);
    const fromContentScript = typeof tabId === 'number' && !fromExtensionPage;
    if (CONTENT_SCRIPT_ONLY.has(message.type) && !fromContentScript) {
      return reject(`rejected "${message.type}": only a content script in a tab may send it`);
    }
    if (EXTENSION_PAGE_ONLY.has(message.type) && !fromExtensionPage) {
      return reject(`rejected "${message.type}": only the extension's own pages may send it`);
    }

    try {
      switch (message.type) {
        case 'progress':
          await saveTab(tabId!, { status: 'analyzing', done: message.done, total: message.total });
          return { ok: true };
        case 'not-a-policy':
          await saveTab(tabId!, { status: 'not-a-policy', url: message.url });
          await deps.setBadge(tabId!, '', 'Clausemark: this page does not look like a policy');
          return { ok: true };
        case 'analysis-failed':
          await saveTab(tabId!, { status: 'error', reason: message.reason });
          return { ok: true };
        case 'analysis': {
          const checked = AnnotatedDocumentSchema.safeParse(message.document);
          if (!checked.success) {
            const reason = `analysis did not match the export schema: ${checked.error.issues[0]?.path.join('.')}: ${checked.error.issues[0]?.message}`;
            await saveTab(tabId!, { status: 'error', reason });
            return reject(reason);
          }
          const text = message.text !== undefined && message.text.length === checked.data.document.textLength ? message.text : undefined;
          const document = withProvisions(checked.data, deps.matcher(), text);
          const url = pageAddress(document.document.url);
          // Compare with the page's last visit, then store this one: one transaction, so two tabs of one page
          // cannot both compare against the same older visit.
          const { analysisId, changes } = await deps.db.transaction('rw', deps.db.analyses, async () => {
            const previous = await deps.db.latestVisitOf(url);
            const changes = previous ? compareAnalyses(previous.document, document) : null;
            const analysisId = await deps.db.analyses.add({
              url,
              sha256: document.document.sha256,
              analyzedAt: document.document.analyzedAt,
              clauseHashes: document.clauses.map((clause) => clause.sha256),
              document,
              changes,
            });
            return { analysisId, changes };
          });
          await saveTab(tabId!, { status: 'done', analysisId });
          const badge = badgeFor(document, changes);
          await deps.setBadge(tabId!, badge.text, badge.title);
          return { ok: true, document };
        }
        case 'automatic-off':
          await deps.db.tabs.delete(tabId!);
          await deps.setBadge(tabId!, '', 'Clausemark: automatic reading is off; open Clausemark to analyse this page');
          return { ok: true };
        case 'get-tab-state':
          return await tabState(deps.db, message.tabId);
        case 'get-settings':
          return { ok: true, settings: await loadSettings(deps.db, (line) => log(`settings: ${line}`)) };
        case 'set-settings': {
          let settings: Settings;
          try {
            settings = await saveSettings(deps.db, message.settings);
          } catch (error) {
            return reject(`rejected settings that do not match the schema: ${error instanceof Error ? error.message : String(error)}`);
          }
          return { ok: true, settings };
        }
        case 'list-history': {
          const records = await deps.db.analyses.orderBy('analyzedAt').reverse().limit(HISTORY_LIMIT).toArray();
          return { ok: true, entries: records.map((record) => toHistoryEntry({ ...record, id: record.id! })) };
        }
        case 'get-history-entry': {
          const record = await deps.db.analyses.get(message.id);
          if (record === undefined) return reject(`no stored analysis with id ${message.id}`);
          return {
            ok: true,
            entry: toHistoryEntry({ ...record, id: record.id! }),
            document: record.document,
            changes: record.changes ?? null,
          };
        }
        case 'delete-all-data': {
          // Clear the badges of the tabs that still show one before their records go.
          const tabIds = await deps.db.tabs.toCollection().primaryKeys();
          await deps.db.deleteAll();
          await Promise.all(tabIds.map((id) => deps.setBadge(id, '', 'Clausemark').catch(() => undefined)));
          return { ok: true };
        }
      }
    } catch (error) {
      return reject(`failed on "${message.type}": ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

export async function tabState(db: ClausemarkDatabase, tabId: number): Promise<TabState> {
  const record = await db.tabs.get(tabId);
  if (record === undefined) return { status: 'idle' };
  if (record.state.status !== 'done') return record.state;
  const analysis = await db.analyses.get(record.state.analysisId);
  if (!analysis) return { status: 'idle' };
  return analysis.changes ? { status: 'done', document: analysis.document, changes: analysis.changes } : { status: 'done', document: analysis.document };
}
