import { StatusLine } from './StatusLine';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { HistoryEntry } from '../../lib/document/history/schema';
import { HistoryDetailReplySchema, HistoryListReplySchema, type HistoryDetail } from '../../lib/extension/messages/replies';
import { ChangesView } from './ChangesView';
import { NothingFoundView } from './StateViews';
import { Summary } from './Summary';
import { errorText, plural } from '../../lib/engine/text/format';

/**
 * The history: every analysis stored on this computer, newest first; one opens read-only (its summary and what had
 * changed since the visit before); "Delete all stored data" clears the history, tab states and settings after a
 * confirmation. Replies from the background are parsed before anything is rendered.
 */

/** What the history asks of the browser; the popup's tests and mocks pass their own. */
export interface HistoryApi {
  listHistory(): Promise<unknown>;
  getHistoryEntry(id: number): Promise<unknown>;
  deleteAllData(): Promise<unknown>;
  openOptions(): Promise<void>;
}

type Load<T> = { kind: 'loading' } | { kind: 'error'; reason: string } | { kind: 'ready'; value: T };


function replyError(reply: unknown): string {
  const error = (reply as { error?: unknown } | null)?.error;
  return typeof error === 'string' ? error : "the background's answer could not be read";
}



function EntryMeta({ entry, id }: { entry: HistoryEntry; id?: string }) {
  return (
    <p id={id} class="history-meta">
      {[
        entry.host || 'local file',
        `analysed ${entry.analyzedAt.slice(0, 10)} ${entry.analyzedAt.slice(11, 16)} UTC`,
        `${plural(entry.optOutCount, 'opt-out', 'opt-outs')}, ${plural(entry.exceptionCount, 'exception', 'exceptions')}`,
      ].join(' · ')}
      {entry.changedSincePrevious === true && (
        <>
          {' · '}
          <strong>changed since the visit before</strong>
        </>
      )}
    </p>
  );
}

function EntryDetail({ detail, onBack }: { detail: HistoryDetail; onBack: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const { entry, document, changes } = detail;
  return (
    <section aria-labelledby="history-entry-title">
      <button type="button" class="button-secondary" onClick={onBack}>
        Back to history
      </button>
      <h2 id="history-entry-title" ref={heading} tabIndex={-1} class="history-entry-title wrap-anywhere">
        {entry.title}
      </h2>
      <EntryMeta entry={entry} />
      <p class="muted history-entry-note">
        As stored then; read-only.
      </p>
      {changes && <ChangesView changes={changes} since="the visit before" idPrefix="history-changes" />}
      {document.clauses.length === 0 ? <NothingFoundView /> : <Summary doc={document} />}
    </section>
  );
}

function DeleteAll({ onDeleted, api }: { onDeleted: () => void; api: HistoryApi }) {
  const [confirming, setConfirming] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) cancel.current?.focus();
  }, [confirming]);

  async function remove() {
    try {
      const reply = await api.deleteAllData();
      if ((reply as { ok?: unknown } | null)?.ok !== true) throw new Error(replyError(reply));
      setConfirming(false);
      setOutcome({ ok: true, text: 'All stored data deleted. Settings are back to their defaults.' });
      onDeleted();
    } catch (error) {
      setOutcome({ ok: false, text: `Couldn't delete: ${errorText(error)}` });
    }
  }

  return (
    <section aria-labelledby="stored-data-title" class="stored-data">
      <h3 id="stored-data-title">Stored data</h3>
      <p class="muted stored-data-note">
        Everything Clausemark keeps stays in this browser: the analyses above, what each tab showed, your settings.
      </p>
      {confirming ? (
        <div role="group" aria-labelledby="confirm-delete-text">
          <p id="confirm-delete-text">
            <strong>Delete every stored analysis, the history and your settings?</strong> This can't be undone.
          </p>
          <div class="export-buttons stored-data-buttons">
            <button type="button" class="button-secondary button-danger" onClick={() => void remove()}>
              Yes, delete everything
            </button>
            <button type="button" class="button-secondary" ref={cancel} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          class="button-secondary button-danger"
          onClick={() => {
            setOutcome(null);
            setConfirming(true);
          }}
        >
          Delete all stored data
        </button>
      )}
      <StatusLine outcome={outcome} />
    </section>
  );
}

export function HistoryView({ api }: { api: HistoryApi }) {
  const [list, setList] = useState<Load<HistoryEntry[]>>({ kind: 'loading' });
  const [open, setOpen] = useState<Load<HistoryDetail> | null>(null);
  const [reloads, setReloads] = useState(0);
  const lastOpened = useRef<number | null>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);
  // Opened from the header's "History" button, which goes away: the heading takes the focus.
  useEffect(() => listHeading.current?.focus(), []);

  useEffect(() => {
    let alive = true;
    void (async () => {
      let next: Load<HistoryEntry[]>;
      try {
        const reply = await api.listHistory();
        const parsed = HistoryListReplySchema.safeParse(reply);
        next = parsed.success ? { kind: 'ready', value: parsed.data.entries } : { kind: 'error', reason: replyError(reply) };
      } catch (error) {
        next = { kind: 'error', reason: errorText(error) };
      }
      if (alive) setList(next);
    })();
    return () => {
      alive = false;
    };
  }, [api, reloads]);

  async function openEntry(id: number) {
    lastOpened.current = id;
    setOpen({ kind: 'loading' });
    try {
      const reply = await api.getHistoryEntry(id);
      const parsed = HistoryDetailReplySchema.safeParse(reply);
      setOpen(parsed.success ? { kind: 'ready', value: parsed.data } : { kind: 'error', reason: replyError(reply) });
    } catch (error) {
      setOpen({ kind: 'error', reason: errorText(error) });
    }
  }

  function back() {
    setOpen(null);
    // Keyboard users land on the entry they had opened.
    const id = lastOpened.current;
    requestAnimationFrame(() => {
      const button = id === null ? null : document.getElementById(`history-entry-${id}`);
      (button ?? listHeading.current)?.focus();
    });
  }

  if (open !== null) {
    if (open.kind === 'ready') return <EntryDetail detail={open.value} onBack={back} />;
    return (
      <section aria-labelledby="history-entry-title">
        <button type="button" class="button-secondary" onClick={back}>
          Back to history
        </button>
        <h2 id="history-entry-title" class="history-entry-title">
          {open.kind === 'loading' ? 'Opening…' : "Couldn't open this analysis"}
        </h2>
        {open.kind === 'error' && <p class="error-reason">{open.reason}</p>}
      </section>
    );
  }

  return (
    <section class="history" aria-labelledby="history-title">
      <h2 id="history-title" ref={listHeading} tabIndex={-1}>
        History
      </h2>
      {list.kind === 'loading' && <p class="muted">Loading…</p>}
      {list.kind === 'error' && <p class="error-reason">{`Couldn't load the history: ${list.reason}`}</p>}
      {list.kind === 'ready' &&
        (list.value.length === 0 ? (
          <p>No analyses are stored.</p>
        ) : (
          <>
            <p class="counts">{`${plural(list.value.length, 'analysis', 'analyses')} stored on this computer, newest first.`}</p>
            <ol class="history-list">
              {list.value.map((entry) => (
                <li key={entry.id} class="clause">
                  <button
                    type="button"
                    id={`history-entry-${entry.id}`}
                    class="button-secondary history-entry"
                    aria-describedby={`history-entry-${entry.id}-meta`}
                    onClick={() => void openEntry(entry.id)}
                  >
                    {entry.title}
                  </button>
                  <EntryMeta entry={entry} id={`history-entry-${entry.id}-meta`} />
                </li>
              ))}
            </ol>
          </>
        ))}
      <DeleteAll api={api} onDeleted={() => setReloads((n) => n + 1)} />
    </section>
  );
}
