import { useState } from 'preact/hooks';
import type { AnnotatedDocument, ExportedClause } from '../../lib/document/schema';
import { TOPICS, type Topic } from '../../lib/engine/model/topics';
import { WarningIcon } from './Icons';
import { QuotedLine } from './QuotedLine';
import { exceptionSentence } from '../../lib/document/exception-words';
import { plural } from '../../lib/engine/text/format';
import { ProvisionDetails } from './ProvisionDetails';
import { LABEL_WORDS, optOutWords, shorten, topicName } from './words';

type JumpResult = { index: number; ok: boolean };

/** Clauses grouped by topic: the summary's order first, then any other topic in the usual order. */
function groupByTopic(doc: AnnotatedDocument): Array<{ topic: Topic; clauses: Array<{ clause: ExportedClause; index: number }> }> {
  const order: Topic[] = [];
  for (const t of doc.summary.topics) if (!order.includes(t.topic)) order.push(t.topic);
  for (const t of TOPICS) if (!order.includes(t)) order.push(t);
  return order
    .map((topic) => ({
      topic,
      clauses: doc.clauses.map((clause, index) => ({ clause, index })).filter(({ clause }) => clause.topic === topic),
    }))
    .filter((group) => group.clauses.length > 0);
}

function ClauseItem({
  clause,
  index,
  lawsNamed,
  jump,
  onJump,
}: {
  clause: ExportedClause;
  index: number;
  /** the laws the page names (the document's), shown with each provision */
  lawsNamed: AnnotatedDocument['lawsNamed'];
  jump: JumpResult | null;
  onJump: (index: number) => void;
}) {
  const textId = `clause-${index}-text`;
  return (
    <li class="clause">
      {clause.labels.length > 0 && (
        <ul class="chips" aria-label="Labels">
          {clause.labels.map((label) => (
            <li key={label} class={`chip chip-${label}`}>
              {LABEL_WORDS[label]}
            </li>
          ))}
        </ul>
      )}
      {clause.heading && <p class="clause-heading">{`Under “${shorten(clause.heading, 80)}”`}</p>}
      <blockquote id={textId} class="clause-text">
        {shorten(clause.text)}
      </blockquote>

      {clause.optOut && <p class="clause-opt-out">{optOutWords(clause.optOut)}</p>}

      {clause.exceptions.length > 0 && (
        <div class="still still-small">
          <p class="still-label">
            <WarningIcon />
            <span>Limits of this opt-out:</span>
          </p>
          <ul class="still-list">
            {clause.exceptions.map((exception, i) => (
              <li key={i} class={`kind-${exception.kind}`}>
                {/* Worded again from the exception itself: an analysis stored before the wording changed reads the same. */}
                <QuotedLine plain={exceptionSentence(exception)} quote={exception.text} clauseId={clause.id} />
              </li>
            ))}
          </ul>
        </div>
      )}

      {clause.provision && <ProvisionDetails provision={clause.provision} lawsNamed={lawsNamed} />}

      <details class="why">
        <summary>Why is this highlighted?</summary>
        {clause.why.length > 0 ? (
          <ul>
            {clause.why.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        ) : (
          <p class="muted">No reason was recorded for this clause.</p>
        )}
      </details>

      <div class="clause-actions">
        <button type="button" class="button-secondary" aria-describedby={textId} onClick={() => onJump(index)}>
          Show on page
        </button>
        {jump && !jump.ok && (
          <span class="inline-fail" role="alert">
            Couldn't reach the page. Reload it and analyse again.
          </span>
        )}
      </div>
    </li>
  );
}

export function ClauseList({
  doc,
  onJump,
}: {
  doc: AnnotatedDocument;
  /** resolves true when the page scrolled to the clause */
  onJump: (clauseId: string) => Promise<boolean>;
}) {
  const [jump, setJump] = useState<JumpResult | null>(null);
  const groups = groupByTopic(doc);

  async function handleJump(index: number) {
    const clause = doc.clauses[index];
    if (!clause) return;
    setJump(null);
    const ok = await onJump(clause.id);
    setJump({ index, ok });
  }

  const { summary } = doc;
  return (
    <section class="clauses" aria-labelledby="clauses-title">
    <details class="clauses-details">
      <summary>
        <h2 id="clauses-title" class="details-heading">{`All ${plural(summary.clauseCount, 'clause', 'clauses')}`}</h2>
        <span class="muted small">{` ${plural(summary.optOutCount, 'opt-out', 'opt-outs')}, ${plural(summary.exceptionCount, 'exception', 'exceptions')}`}</span>
      </summary>
      {groups.map((group) => (
        <section key={group.topic} class="clause-group" aria-labelledby={`group-${group.topic}`}>
          <h3 id={`group-${group.topic}`}>
            {topicName(group.topic)} <span class="muted">{`(${group.clauses.length})`}</span>
          </h3>
          <ol class="clause-items">
            {group.clauses.map(({ clause, index }) => (
              <ClauseItem
                key={index}
                clause={clause}
                index={index}
                lawsNamed={doc.lawsNamed}
                jump={jump && jump.index === index ? jump : null}
                onJump={handleJump}
              />
            ))}
          </ol>
        </section>
      ))}
    </details>
    </section>
  );
}
