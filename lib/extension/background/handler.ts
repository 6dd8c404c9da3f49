import { BACKGROUND_SENDERS, BackgroundRequest, senderAllowed, transferId, type Sender } from '../messages/protocol';
import type { BackgroundReply, Failure } from '../messages/replies';
import type { BackgroundMessage } from '../messages/client';
import type { AnnotatedDocument } from '../../document/schema';
import type { TabState } from '../messages/tab-state';
import type { ClausemarkDatabase, TabRecord } from '../db/database';
import { annotate } from '../../pipeline';
import type { ProvisionMatcher } from '../../knowledge/match/matcher';
import { compareAnalyses } from '../../document/history/compare';
import { pageAddress, toHistoryEntry } from '../../document/history/entry';
import type { DocumentChanges, HistoryEntry } from '../../document/history/schema';
import { loadSettings, saveSettings } from '../settings/store';
import type { Settings } from '../settings/settings';
import { errorText, plural } from '../../engine/text/format';
import { unreadableLanguage } from '../../engine/language';
import { knownPlatformFor } from '../../knowledge/platforms';
import { createExtractionUploads } from './uploads';
import { clauseParts, createReplyDownloads } from './downloads';

/**
 * The background worker's message handling, with its browser dependencies passed in so tests drive it with a fake
 * browser. Every message is parsed before use and its sender checked; a bad one is logged and answered with an
 * error, never thrown.
 */
export interface MessageSender {
  id?: string;
  url?: string;
  /** the frame of the tab that sent it: each frame of a page reads and sends its own text */
  frameId?: number;
  tab?: { id?: number; url?: string };
}

export interface BackgroundDeps {
  db: ClausemarkDatabase;
  matcher: () => ProvisionMatcher;
  extensionId: string;
  /** the origin of the extension's own pages, e.g. chrome-extension://<id>/ */
  extensionOrigin: string;
  setBadge: (tabId: number, text: string, title: string) => Promise<void>;
  /** the extension's version, recorded in each analysis */
  toolVersion: string;
  /** the clock that dates each analysis (tests pass their own); the current time when absent */
  now?: () => Date;
  log?: (message: string) => void;
  /**
   * Called when a content script asks for the settings: a page that names itself a policy is about to be read, and
   * its first look follows within tens of ms (lib/extension/background/warm-up.ts uses the gap).
   */
  pageStarting?: () => void;
}

/**
 * What a content script sends is untrusted: blocks must lie inside the text, in order, without overlapping, and
 * links inside the text. Returns what is wrong, or null.
 */
export function extractionProblem(page: { text: string; blocks: Array<{ start: number; end: number }>; links: Array<{ start: number; end: number }> }): string | null {
  let previousEnd = 0;
  for (const [i, block] of page.blocks.entries()) {
    if (block.start < previousEnd || block.end < block.start || block.end > page.text.length) return `block ${i} is outside the text or out of order`;
    previousEnd = block.end;
  }
  const link = page.links.findIndex((span) => span.end < span.start || span.end > page.text.length);
  return link >= 0 ? `link ${link} is outside the text` : null;
}

/** Past this many clauses the reply carries only what the page paints (the whole document is stored). */
export const MAX_REPLY_CLAUSES = 2000;

/**
 * The document for the content script to paint: whole for an ordinary policy; for a huge page (a 5 MB generated
 * text has 30,000 clauses, a 90 MB reply the browser refuses) only the opt-outs with their exceptions, and their
 * provision matches without the long explanations the hover card does not show.
 */
export function forPainting(document: AnnotatedDocument): AnnotatedDocument {
  if (document.clauses.length <= MAX_REPLY_CLAUSES) return document;
  return {
    ...document,
    clauses: document.clauses.filter((clause) => clause.optOut !== null).map((clause) => ({
      ...clause,
      provision: clause.provision && {
        id: clause.provision.id,
        title: clause.provision.title,
        severity: clause.provision.severity,
        polarity: clause.provision.polarity,
        match: clause.provision.match,
        similarity: clause.provision.similarity,
        knownClauseId: clause.provision.knownClauseId,
        platform: clause.provision.platform,
        recordedAt: clause.provision.recordedAt,
      },
    })),
  };
}

/** Any reply of the background (lib/extension/messages/replies.ts). */
export type Reply = BackgroundReply;

/** The history list shows at most this many visits, newest first. */
export const HISTORY_LIMIT = 500;

/** The badge when the page changed since the last visit (its title says so in words). */
export const CHANGED_BADGE = 'Δ';


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

type Handlers = {
  [T in BackgroundRequest['type']]: (message: BackgroundMessage<T>, tabId: number | undefined, frame: string) => Promise<BackgroundReply<T>>;
};

export function createMessageHandler(deps: BackgroundDeps) {
  const log = deps.log ?? ((message: string) => console.warn(`Clausemark background: ${message}`));

  const reject = (error: string): Failure => {
    log(error);
    return { ok: false, error };
  };

  /** long pages' extractions sent in parts, until their `analysis` message takes them */
  const uploads = createExtractionUploads();
  const downloads = createReplyDownloads();

  /** The document to paint as the reply: whole, or for a huge one without its clauses, which wait as a download. */
  const paintingReply = (document: AnnotatedDocument, frame: string): BackgroundReply<'analysis'> => {
    const painting = forPainting(document);
    const parts = clauseParts(painting.clauses);
    if (parts.length <= 1) return { ok: true, document: painting };
    const download = transferId();
    downloads.put(`${frame}:${download}`, parts);
    return { ok: true, document: { ...painting, clauses: [] }, clauseParts: { download, count: parts.length } };
  };

  // Every page start asks for the settings, and a database read is tens of ms in Firefox: kept in memory. Only this
  // handler writes them (set-settings, delete-all-data), so it knows when the copy is stale.
  let settingsRead: Promise<Settings> | null = null;
  const currentSettings = (): Promise<Settings> => {
    settingsRead ??= loadSettings(deps.db, (line) => log(`settings: ${line}`)).catch((error: unknown) => {
      settingsRead = null;
      throw error;
    });
    return settingsRead;
  };

  const saveTab = (tabId: number, state: TabRecord['state']) =>
    deps.db.tabs.put({ tabId, state, updatedAt: new Date().toISOString() });

  /** A first look at the start of a page: the analysis alone, without provision matching, history or badge. */
  /** The pipeline's input from a page's checked report: the same for a first look and the whole analysis. */
  const pipelineInput = (message: BackgroundMessage<'analysis'>) => ({
    extraction: { text: message.text, blocks: message.blocks, links: message.links },
    url: message.url,
    title: message.title,
    heading: message.heading,
    looksLikePolicy: message.looksLikePolicy,
    toolVersion: deps.toolVersion,
    analyzedAt: deps.now?.(),
  });

  const firstLook = (message: BackgroundMessage<'analysis'>): Promise<AnnotatedDocument> => annotate(pipelineInput(message));

  /** The pipeline on a page's checked extraction, the comparison with its last visit, the stored record and the badge. */
  const analyseAndStore = async (message: BackgroundMessage<'analysis'>, tabId: number, frame: string): Promise<BackgroundReply<'analysis'>> => {
    // The whole pipeline runs here, once: analyse (rules and the learned model), build, match, summarise.
    const document = await annotate({ ...pipelineInput(message), matcher: deps.matcher() });
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
    await saveTab(tabId, { status: 'done', analysisId });
    const badge = badgeFor(document, changes);
    await deps.setBadge(tabId, badge.text, badge.title);
    return paintingReply(document, frame);
  };

  /** One handler per message type. A sender's tab id is there for every content-script message (checked before). */
  const handlers: Handlers = {
    progress: async (message, tabId) => {
      await saveTab(tabId!, { status: 'analyzing', done: message.done, total: message.total });
      return { ok: true };
    },
    'not-a-policy': async (message, tabId) => {
      await saveTab(tabId!, { status: 'not-a-policy', url: message.url });
      await deps.setBadge(tabId!, '', 'Clausemark: this page does not look like a policy');
      return { ok: true };
    },
    'analysis-failed': async (message, tabId) => {
      await saveTab(tabId!, { status: 'error', reason: message.reason });
      return { ok: true };
    },
    'analysis-part': async (message, _tabId, frame) => {
      const problem = uploads.add(`${frame}:${message.upload}`, message);
      return problem === null ? { ok: true } : reject(`rejected a part of a page: ${problem}`);
    },
    analysis: async (message, tabId, frame) => {
      if (message.parts !== undefined) {
        const { upload, count, length } = message.parts;
        const sentAlone = message.text === '' && message.blocks.length === 0 && message.links.length === 0;
        const taken = sentAlone ? uploads.take(`${frame}:${upload}`, count, length) : { error: 'it came with an extraction of its own' };
        if ('error' in taken) return reject(`rejected a page sent in parts: ${taken.error}`);
        message = { ...message, ...taken, parts: undefined };
      }
      const problem = extractionProblem(message);
      if (problem !== null) {
        const reason = `the page's text could not be read: ${problem}`;
        await saveTab(tabId!, { status: 'error', reason });
        return reject(reason);
      }
      // English only: a page in another language would come back empty, which reads as "no opt-outs here".
      const language = unreadableLanguage({ lang: message.lang, text: message.text });
      if (language !== null) {
        if (message.preview === true) return { ok: true, unsupportedLanguage: language };
        await saveTab(tabId!, { status: 'unsupported-language', url: message.url, code: language.code, language: language.name });
        await deps.setBadge(tabId!, '', `Clausemark reads English policies; this page is in ${language.name}`);
        return { ok: true, unsupportedLanguage: language };
      }
      if (message.preview === true) {
        // Sent while the page was still asking for the settings: the settings decide here.
        if (message.asked !== true && !(await currentSettings()).automatic) return { ok: true, automaticOff: true };
        return paintingReply(await firstLook(message), frame);
      }
      await saveTab(tabId!, { status: 'analyzing', done: 0, total: 1 });
      try {
        return await analyseAndStore(message, tabId!, frame);
      } catch (error) {
        // The tab must not read "analysing" for ever: it says why there is nothing to show.
        await saveTab(tabId!, { status: 'error', reason: `the analysis failed: ${errorText(error)}` }).catch(() => undefined);
        throw error;
      }
    },
    'analysis-reply-part': async (message, _tabId, frame) => {
      const part = downloads.take(`${frame}:${message.download}`, message.index);
      return 'error' in part ? reject(`could not send a part of the analysis: ${part.error}`) : { ok: true, clauses: part };
    },
    'automatic-off': async (_message, tabId) => {
      await deps.db.tabs.delete(tabId!);
      await deps.setBadge(tabId!, '', 'Clausemark: automatic reading is off; open Clausemark to analyse this page');
      return { ok: true };
    },
    'get-known-platform': async (message) => ({ ok: true, platform: knownPlatformFor(message.url, deps.matcher().dataset) }),
    'get-tab-state': async (message) => ({ ok: true, state: await tabState(deps.db, message.tabId) }),
    'get-settings': async (_message, tabId) => {
      const settings = await currentSettings();
      // After the settings are read: the warm-up runs in tasks of its own, behind this reply.
      if (tabId !== undefined) deps.pageStarting?.();
      return { ok: true, settings };
    },
    'set-settings': async (message) => {
      let settings: Settings;
      try {
        settings = await saveSettings(deps.db, message.settings);
      } catch (error) {
        return reject(`rejected settings that do not match the schema: ${errorText(error)}`);
      }
      settingsRead = Promise.resolve(settings);
      return { ok: true, settings };
    },
    'list-history': async () => {
      const records = await deps.db.analyses.orderBy('analyzedAt').reverse().limit(HISTORY_LIMIT).toArray();
      return { ok: true, entries: records.map((record) => toHistoryEntry({ ...record, id: record.id! })) };
    },
    'get-history-entry': async (message) => {
      const record = await deps.db.analyses.get(message.id);
      if (record === undefined) return reject(`no stored analysis with id ${message.id}`);
      return {
        ok: true,
        entry: toHistoryEntry({ ...record, id: record.id! }),
        document: record.document,
        changes: record.changes ?? null,
      };
    },
    'delete-all-data': async () => {
      // Clear the badges of the tabs that still show one before their records go.
      const tabIds = await deps.db.tabs.toCollection().primaryKeys();
      await deps.db.deleteAll();
      settingsRead = null;
      await Promise.all(tabIds.map((id) => deps.setBadge(id, '', 'Clausemark').catch(() => undefined)));
      return { ok: true };
    },
  };

  /** Every reply is `{ ok: true, … }` or `{ ok: false, error }` (lib/extension/messages/replies.ts). */
  return async function handle(raw: unknown, sender: MessageSender): Promise<Reply> {
    if (sender.id !== deps.extensionId) return reject('rejected a message from outside the extension');
    const parsed = BackgroundRequest.safeParse(raw);
    if (!parsed.success) {
      return reject(`rejected a malformed message: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
    }
    const message = parsed.data;
    const tabId = sender.tab?.id;
    // Extension pages can sit in a tab too (the popup opened as a page): the sender's URL tells them apart.
    const fromExtensionPage = (sender.url ?? '').startsWith(deps.extensionOrigin);
    const from = fromExtensionPage ? 'extension-page' : typeof tabId === 'number' ? 'content-script' : 'other';
    const declared: Sender | undefined = BACKGROUND_SENDERS[message.type];
    if (!senderAllowed(declared, from)) {
      return reject(declared === 'content-script'
        ? `rejected "${message.type}": only a content script in a tab may send it`
        : declared === 'extension-page'
          ? `rejected "${message.type}": only the extension's own pages may send it`
          : `rejected "${message.type}": not from a part of the extension that may send it`);
    }
    try {
      const handler = handlers[message.type] as (message: BackgroundRequest, tabId: number | undefined, frame: string) => Promise<Reply>;
      return await handler(message, tabId, `${tabId ?? '-'}:${sender.frameId ?? 0}`);
    } catch (error) {
      return reject(`failed on "${message.type}": ${errorText(error)}`);
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
