import type { AnnotatedDocument, Severity, Summary as SummaryData } from '../../lib/document/schema';
import { inShort, type InShortTopic } from '../../lib/document/in-short';
import { CheckIcon, WarningIcon } from './Icons';
import { QuotedLine } from './QuotedLine';
import { SEVERITY_WORDS } from './words';
import { plural } from '../../lib/engine/text/format';

type TopicSummary = SummaryData['topics'][number];
type Jump = (clauseId: string) => Promise<boolean>;

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span class={`severity severity-${severity}`}>{SEVERITY_WORDS[severity]}</span>;
}

const VAGUE_HOW = 'The text does not say how';

function Exceptions({ exceptions, onJump }: { exceptions: TopicSummary['exceptions']; onJump?: Jump }) {
  return (
    <ul class="still-list">
      {exceptions.map((exception, i) => (
        <li key={i} class={`kind-${exception.kind}`}>
          <QuotedLine plain={exception.plain} quote={exception.quote} clauseId={exception.clauseId} onJump={onJump} />
        </li>
      ))}
    </ul>
  );
}

/** One topic: its headline and concern, how to stop it, and the limits of the opt-out. */
function TopicCard({ shown, id, onJump }: { shown: InShortTopic; id: string; onJump?: Jump }) {
  const { topic, how, exceptions } = shown;
  const hiddenHow = topic.how.slice(how.length);
  const hiddenExceptions = topic.exceptions.slice(exceptions.length);
  const vague = how.length === 1 && how[0] === VAGUE_HOW;
  return (
    <article class="topic" aria-labelledby={id}>
      <h3 id={id} class="topic-headline">
        {topic.headline}
        {topic.severity && (
          <>
            {' '}
            <SeverityBadge severity={topic.severity} />
          </>
        )}
      </h3>
      {how.length > 0 && (
        <div class="how">
          <p class="how-label">
            <CheckIcon />
            <span>{vague ? 'How to opt out: ' : 'How to opt out:'}</span>
            {vague && <span class="muted">the text does not say.</span>}
          </p>
          {!vague && (
            <ul class="how-list">
              {how.map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {exceptions.length > 0 && (
        <div class="still" role="group" aria-labelledby={`${id}-still`}>
          <p id={`${id}-still`} class="still-label">
            <WarningIcon />
            <span>Limits of this opt-out:</span>
          </p>
          <Exceptions exceptions={exceptions} onJump={onJump} />
        </div>
      )}
      {hiddenHow.length + hiddenExceptions.length > 0 && (
        <details class="card-more">
          <summary>{`${hiddenHow.length + hiddenExceptions.length} more`}</summary>
          {hiddenHow.length > 0 && (
            <ul class="how-list">
              {hiddenHow.map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          )}
          {hiddenExceptions.length > 0 && <Exceptions exceptions={hiddenExceptions} onJump={onJump} />}
        </details>
      )}
    </article>
  );
}

function Promises({ promises, onJump, labelId }: { promises: SummaryData['promises']; onJump?: Jump; labelId: string }) {
  return (
    <div class="promises" role="group" aria-labelledby={labelId}>
      <p id={labelId} class="how-label">
        <CheckIcon />
        <span>They promise:</span>
      </p>
      <ul class="how-list">
        {promises.map((promise, i) => (
          <li key={i}>
            <QuotedLine plain={promise.plain} quote={promise.quote} clauseId={promise.clauseId} onJump={onJump} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * "In short": what fits one popup screen (lib/document/in-short.ts chooses it), then everything else collapsed.
 * Each fact once: the headline says the topic and its default, the card says how to stop it and the limits.
 */
export function Summary({ doc, onJump }: { doc: AnnotatedDocument; onJump?: Jump }) {
  const { summary } = doc;
  const view = inShort(summary);
  const morePromises = summary.promises.slice(view.promises.length);
  const foldedCount = view.folded.length + (morePromises.length > 0 ? 1 : 0);
  return (
    <section class="summary" aria-labelledby="summary-title">
      <div class="in-short">
        <h2 id="summary-title">In short</h2>
        {summary.severity && (
          <p class="overall">
            <span>Overall: </span>
            <SeverityBadge severity={summary.severity} />
            <span class="overall-reason">{` ${summary.severityReason}`}</span>
          </p>
        )}
        {view.topics.map((shown, i) => (
          <TopicCard key={shown.topic.topic} shown={shown} id={`topic-${i}-title`} onJump={onJump} />
        ))}
        {view.promises.length > 0 && <Promises promises={view.promises} onJump={onJump} labelId="promises-title" />}
        {view.alsoMentioned && <p class="also-mentioned">{view.alsoMentioned}</p>}
      </div>
      {foldedCount > 0 && (
        <details class="more-topics">
          <summary>
            {[
              view.folded.length > 0 ? plural(view.folded.length, 'more topic', 'more topics') : '',
              morePromises.length > 0 ? plural(morePromises.length, 'more promise', 'more promises') : '',
            ].filter(Boolean).join(', ')}
          </summary>
          {view.folded.map((topic, i) => (
            <TopicCard
              key={topic.topic}
              shown={{ topic, how: topic.how, exceptions: topic.exceptions, hidden: 0 }}
              id={`folded-${i}-title`}
              onJump={onJump}
            />
          ))}
          {morePromises.length > 0 && <Promises promises={morePromises} onJump={onJump} labelId="more-promises-title" />}
        </details>
      )}
    </section>
  );
}
