import type { AnnotatedDocument } from '../../lib/document/schema';
import type { Severity } from '../../lib/document/schema';
import { CheckIcon, CrossIcon, WarningIcon } from './Icons';
import { REGIME_WORDS, SEVERITY_WORDS, topicName } from './words';
import { plural } from '../../lib/engine/text/format';

type TopicSummary = AnnotatedDocument['summary']['topics'][number];

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span class={`severity severity-${severity}`}>{SEVERITY_WORDS[severity]}</span>;
}


/** Plain lines as a list (rendered as text). */
function Lines({ lines, listClass }: { lines: string[]; listClass: string }) {
  return (
    <ul class={listClass}>
      {lines.map((line, i) => (
        <li key={i}>{line}</li>
      ))}
    </ul>
  );
}

function TopicBlock({ topic, index }: { topic: TopicSummary; index: number }) {
  const headingId = `topic-${index}-title`;
  const regime = REGIME_WORDS[topic.default];
  return (
    <article class="topic" aria-labelledby={headingId}>
      <h3 id={headingId} class="topic-headline">
        {topic.headline || topicName(topic.topic)}
      </h3>
      <p class="topic-meta">
        <span>{topicName(topic.topic)}</span>
        {regime && <span>{regime}</span>}
        {topic.severity && <SeverityBadge severity={topic.severity} />}
      </p>

      {topic.canOptOut ? (
        <div class="how">
          <p class="how-label">
            <CheckIcon />
            <span>You can opt out:</span>
            {topic.how.length === 0 && <span class="muted"> the text does not say how</span>}
          </p>
          {topic.how.length > 0 && <Lines lines={topic.how} listClass="how-list" />}
        </div>
      ) : topic.promises.length > 0 ? null : (
        <p class="no-opt-out">
          <CrossIcon />
          <span>No opt-out offered</span>
        </p>
      )}

      {topic.promises.length > 0 && (
        <div class="promises" role="group" aria-labelledby={`${headingId}-promises`}>
          <p id={`${headingId}-promises`} class="how-label">
            <CheckIcon />
            <span>They promise:</span>
          </p>
          <Lines lines={topic.promises} listClass="how-list" />
        </div>
      )}

      {topic.stillAfterOptOut.length > 0 && (
        <div class="still" role="group" aria-labelledby={`${headingId}-still`}>
          <p id={`${headingId}-still`} class="still-label">
            <WarningIcon />
            <span>Still happens after you opt out:</span>
          </p>
          <Lines lines={topic.stillAfterOptOut} listClass="still-list" />
        </div>
      )}
    </article>
  );
}

export function Summary({ doc }: { doc: AnnotatedDocument }) {
  const { summary } = doc;
  return (
    <section class="summary" aria-labelledby="summary-title">
      <h2 id="summary-title">In short</h2>
      {summary.severity && (
        <p class="overall">
          <span>Overall: </span>
          <SeverityBadge severity={summary.severity} />
        </p>
      )}
      <p class="counts">
        {`Found ${plural(summary.clauseCount, 'clause', 'clauses')}: ${plural(summary.optOutCount, 'opt-out', 'opt-outs')}, ${plural(summary.exceptionCount, 'exception', 'exceptions')} to them.`}
      </p>
      {summary.topics.map((topic, i) => (
        <TopicBlock key={`${topic.topic}-${i}`} topic={topic} index={i} />
      ))}
    </section>
  );
}
