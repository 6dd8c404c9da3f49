import { useEffect, useRef, useState } from 'preact/hooks';
import { TOPIC_NAMES, TOPICS, type Topic } from '../../lib/engine/model/topics';
import type { Settings } from '../../lib/extension/settings/settings';
import { SettingsReplySchema } from '../../lib/extension/messages/replies';
import { browserSettingsApi, type SettingsApi } from './api';
import { capitalize, errorText } from '../../lib/engine/text/format';

/**
 * The options page: automatic reading on or off, which topics are painted on the page, and the high-contrast
 * highlight style. Every change is saved at once (through the background, which validates it) and the page says so
 * in a status line. Changes apply to pages opened or analysed afterwards.
 *
 * Automatic reading has two parts: the browser's access to the pages you visit (optional, granted from a click here
 * or in the popup; without it the content script is not registered at all) and this setting, which can pause
 * automatic reading while the access stays granted. The page shows both, so the checkbox never promises more than
 * the browser allows.
 */

type Status = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; text: string };


function replyError(reply: unknown): string {
  const error = (reply as { error?: unknown } | null)?.error;
  return typeof error === 'string' ? error : "Clausemark's background sent an answer this page couldn't read";
}


/** What the highlight looks like on a page, drawn with ordinary CSS (options.css) so both styles can be compared. */
function Preview({ highContrast }: { highContrast: boolean }) {
  const variant = highContrast ? ' hc' : '';
  return (
    <div class="preview" aria-hidden="true">
      <p>
        <span class={`sample sample-opt-out${variant}`}>You can opt out in your account settings.</span>{' '}
        <span class={`sample sample-exception${variant}`}>Even if you opt out, flagged chats are still used.</span>
      </p>
    </div>
  );
}

/** A labelled checkbox; `hint` is the id of the paragraph that explains it. */
function Check(props: { id: string; checked: boolean; label: string; hint?: string; onChange: (on: boolean) => void }) {
  return (
    <div class="check">
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        aria-describedby={props.hint}
        onChange={(event) => props.onChange(event.currentTarget.checked)}
      />
      <label for={props.id}>{props.label}</label>
    </div>
  );
}

export function OptionsApp({ api = browserSettingsApi }: { api?: SettingsApi }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  /** saves go out one after another, the latest settings last */
  const queue = useRef<Promise<void>>(Promise.resolve());
  const latest = useRef(0);
  /** null while unknown or when the browser offers no such access (the line is then not shown) */
  const [access, setAccess] = useState<boolean | null>(null);
  const [accessNote, setAccessNote] = useState('');

  useEffect(() => {
    if (!api.hostAccess) return;
    let alive = true;
    const check = () =>
      void api.hostAccess!().then(
        (granted) => alive && setAccess(granted),
        () => alive && setAccess(null),
      );
    check();
    const stop = api.onHostAccessChange?.(check);
    return () => {
      alive = false;
      stop?.();
    };
  }, [api]);

  /** Must run inside the click's handler, before any await: the browser shows its prompt only for a user gesture. */
  function askForAccess() {
    if (!api.requestHostAccess) return;
    api.requestHostAccess().then(
      (granted) => {
        setAccess(granted);
        setAccessNote(granted ? '' : 'Access not granted: pages are read only when you ask.');
      },
      (error: unknown) => setAccessNote(`The browser refused: ${errorText(error)}`),
    );
  }

  useEffect(() => {
    let alive = true;
    void (async () => {
      try {
        const reply = await api.getSettings();
        const parsed = SettingsReplySchema.safeParse(reply);
        if (!alive) return;
        if (parsed.success) setSettings(parsed.data.settings);
        else setLoadError(replyError(reply));
      } catch (error) {
        if (alive) setLoadError(errorText(error));
      }
    })();
    return () => {
      alive = false;
    };
  }, [api]);

  function update(next: Settings) {
    setSettings(next);
    setStatus({ kind: 'saving' });
    const mine = ++latest.current;
    queue.current = queue.current.then(async () => {
      let outcome: Status;
      try {
        const reply = await api.setSettings(next);
        outcome = SettingsReplySchema.safeParse(reply).success
          ? { kind: 'saved' }
          : { kind: 'error', text: `Not saved: ${replyError(reply)}` };
      } catch (error) {
        outcome = { kind: 'error', text: `Not saved: ${errorText(error)}` };
      }
      // A failure always shows; "Saved" waits for the last change in flight.
      if (outcome.kind === 'error' || mine === latest.current) setStatus(outcome);
    });
  }

  if (loadError !== null) {
    return (
      <main class="options">
        <h1>Clausemark settings</h1>
        <p class="error" role="alert">{`Couldn't load the settings: ${loadError}`}</p>
      </main>
    );
  }
  if (settings === null) {
    return (
      <main class="options" aria-busy="true">
        <h1>Clausemark settings</h1>
        <p class="muted">Loading…</p>
      </main>
    );
  }

  const hidden = new Set<Topic>(settings.hiddenTopics);
  const setTopic = (topic: Topic, shown: boolean) => {
    const next = new Set(hidden);
    if (shown) next.delete(topic);
    else next.add(topic);
    update({ ...settings, hiddenTopics: TOPICS.filter((t) => next.has(t)) });
  };

  return (
    <main class="options">
      <h1>Clausemark settings</h1>
      <p class="muted">Kept in this browser only. Changes are saved as you make them.</p>

      <section aria-labelledby="reading-title">
        <h2 id="reading-title">Reading pages</h2>
        <Check
          id="automatic"
          checked={settings.automatic}
          hint="automatic-hint"
          label="Annotate privacy policies and terms automatically"
          onChange={(on) => {
            if (on && access === false) askForAccess();
            update({ ...settings, automatic: on });
          }}
        />
        <p id="automatic-hint" class="hint">
          When this is off, Clausemark reads a page only when you open its popup and choose “Analyse this page”.
          That always works, on any page.
        </p>
        {access !== null && (
          <div class="access">
            {access ? (
              <p class="hint">Clausemark may read the pages you visit, so it can notice policies as they open.</p>
            ) : (
              <>
                <p class="hint">
                  To notice policies by itself, Clausemark needs your browser's permission to read the pages you visit
                  (nothing leaves your computer). Until then it reads a page only when you ask.
                </p>
                <button type="button" onClick={askForAccess}>
                  Allow reading the pages I visit
                </button>
              </>
            )}
            {accessNote && (
              <p class="hint" role="status">
                {accessNote}
              </p>
            )}
          </div>
        )}
      </section>

      <section aria-labelledby="topics-title">
        <h2 id="topics-title">Topics to highlight</h2>
        <p id="topics-hint" class="hint">
          Opt-outs and their exceptions are painted on the page only for the topics ticked here. The popup still
          lists every clause.
        </p>
        <div class="row">
          <button type="button" onClick={() => update({ ...settings, hiddenTopics: [] })}>
            Highlight every topic
          </button>
          <button type="button" onClick={() => update({ ...settings, hiddenTopics: [...TOPICS] })}>
            Highlight none
          </button>
        </div>
        <fieldset class="topics" aria-describedby="topics-hint">
          <legend>Highlight opt-outs about…</legend>
          {TOPICS.map((topic) => (
            <Check
              key={topic}
              id={`topic-${topic}`}
              checked={!hidden.has(topic)}
              label={capitalize(TOPIC_NAMES[topic])}
              onChange={(on) => setTopic(topic, on)}
            />
          ))}
        </fieldset>
      </section>

      <section aria-labelledby="style-title">
        <h2 id="style-title">Highlight style</h2>
        <Check
          id="high-contrast"
          checked={settings.highContrast}
          hint="high-contrast-hint"
          label="High-contrast highlights"
          onChange={(on) => update({ ...settings, highContrast: on })}
        />
        <p id="high-contrast-hint" class="hint">
          Thicker, darker underlines and stronger backgrounds. Opt-outs keep a straight underline and exceptions a
          wavy one in both styles.
        </p>
        <Preview highContrast={settings.highContrast} />
      </section>

      <p class={`status status-${status.kind}`} role="status" aria-live="polite">
        {status.kind === 'saving' ? 'Saving…' : status.kind === 'saved' ? 'Saved.' : status.kind === 'error' ? status.text : ''}
      </p>
    </main>
  );
}
