import { BackgroundRequest, CONTENT_SCRIPT_ONLY, EXTENSION_PAGE_ONLY } from '../messages/protocol';
import { AnnotatedDocumentSchema, type AnnotatedDocument } from '../export/schema';
import type { TabState } from '../messages/tab-state';
import type { ClausemarkDatabase, TabRecord } from '../db/database';
import { withProvisions } from '../match/apply';
import type { ProvisionMatcher } from '../match/matcher';

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

export type Reply = { ok: true; document?: AnnotatedDocument } | { ok: false; error: string };

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
          const document = withProvisions(checked.data, deps.matcher());
          const analysisId = await deps.db.analyses.add({
            url: document.document.url,
            sha256: document.document.sha256,
            analyzedAt: document.document.analyzedAt,
            clauseHashes: document.clauses.map((clause) => clause.sha256),
            document,
          });
          await saveTab(tabId!, { status: 'done', analysisId });
          const { exceptionCount, optOutCount } = document.summary;
          await deps.setBadge(
            tabId!,
            exceptionCount > 0 ? String(exceptionCount) : optOutCount > 0 ? String(optOutCount) : '',
            `Clausemark: ${optOutCount} opt-out${optOutCount === 1 ? '' : 's'}, ${exceptionCount} exception${exceptionCount === 1 ? '' : 's'} to them`,
          );
          return { ok: true, document };
        }
        case 'get-tab-state':
          return await tabState(deps.db, message.tabId);
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
  return analysis ? { status: 'done', document: analysis.document } : { status: 'idle' };
}
