import type { CSSProperties } from 'preact';
import type { ClauseBrief, DiffPart, DocumentChanges } from '../../lib/document/history/schema';
import { WarningIcon } from './Icons';
import { Deleted, Inserted, WordDiff } from '../WordDiff';
import { topicName } from './words';
import { plural } from '../../lib/engine/text/format';

/**
 * "Changed since your last visit": the clauses added, removed and reworded since the page was last analysed, the
 * rewording as a word diff. Deleted words are struck through and inserted ones underlined, and each carries words
 * for screen readers ("removed:", "added:"), so the diff never depends on colour. The diff is components/WordDiff.tsx.
 */

/** At most this many clauses per kind; the rest are counted. */
const SHOWN_PER_KIND = 20;

const panelStyle: CSSProperties = {
  background: 'var(--surface)',
  border: '1px solid var(--border)',
  borderLeft: '4px solid var(--accent)',
  borderRadius: '8px',
  padding: '10px 12px',
  marginBottom: '16px',
};
const kindHeadingStyle: CSSProperties = { fontSize: '13px', margin: '12px 0 6px' };



function More({ count }: { count: number }) {
  return count > 0 ? <p class="muted">{`…and ${count} more.`}</p> : null;
}

function ClauseTopic({ clause }: { clause: ClauseBrief }) {
  return <p class="clause-heading">{topicName(clause.topic)}</p>;
}

export function ChangesView({
  changes,
  since = 'your last visit',
  idPrefix = 'changes',
}: {
  changes: DocumentChanges;
  /** "your last visit" in the popup; "the visit before" in the history */
  since?: string;
  idPrefix?: string;
}) {
  const date = changes.previousAnalyzedAt.slice(0, 10);
  if (!changes.documentChanged) {
    return <p class="muted" style={{ marginBottom: '12px' }}>{`Unchanged since ${since} (${date}).`}</p>;
  }
  const titleId = `${idPrefix}-title`;
  const { added, removed, changed } = changes;
  const nothingClauseLevel = added.length + removed.length + changed.length === 0;
  return (
    <section class="changes" aria-labelledby={titleId} style={panelStyle}>
      <h2 id={titleId}>
        <WarningIcon />
        <span>{`Changed since ${since} (${date})`}</span>
      </h2>
      {nothingClauseLevel ? (
        <p>The text of the page changed, but none of the clauses Clausemark reads did.</p>
      ) : (
        <p class="counts">
          {`${plural(changed.length, 'clause', 'clauses')} reworded, ${added.length} added, ${removed.length} removed; ${changes.unchangedCount} unchanged.`}
        </p>
      )}

      {changed.length > 0 && (
        <>
          <h3 id={`${idPrefix}-changed`} style={kindHeadingStyle}>
            Reworded
          </h3>
          <p class="muted" style={{ fontSize: '12px', marginBottom: '6px' }}>
            Struck-through words were removed; underlined words are new.
          </p>
          <ol class="changes-changed" aria-labelledby={`${idPrefix}-changed`}>
            {changed.slice(0, SHOWN_PER_KIND).map((item, i) => (
              <li key={i} class="clause">
                <ClauseTopic clause={item.after} />
                <p class="clause-text">
                  <WordDiff parts={item.diff} />
                </p>
              </li>
            ))}
          </ol>
          <More count={changed.length - SHOWN_PER_KIND} />
        </>
      )}

      {added.length > 0 && (
        <>
          <h3 id={`${idPrefix}-added`} style={kindHeadingStyle}>
            Added
          </h3>
          <ol class="changes-added" aria-labelledby={`${idPrefix}-added`}>
            {added.slice(0, SHOWN_PER_KIND).map((clause, i) => (
              <li key={i} class="clause">
                <ClauseTopic clause={clause} />
                <p class="clause-text">
                  <Inserted text={clause.text} />
                </p>
              </li>
            ))}
          </ol>
          <More count={added.length - SHOWN_PER_KIND} />
        </>
      )}

      {removed.length > 0 && (
        <>
          <h3 id={`${idPrefix}-removed`} style={kindHeadingStyle}>
            Removed
          </h3>
          <ol class="changes-removed" aria-labelledby={`${idPrefix}-removed`}>
            {removed.slice(0, SHOWN_PER_KIND).map((clause, i) => (
              <li key={i} class="clause">
                <ClauseTopic clause={clause} />
                <p class="clause-text">
                  <Deleted text={clause.text} />
                </p>
              </li>
            ))}
          </ol>
          <More count={removed.length - SHOWN_PER_KIND} />
        </>
      )}
    </section>
  );
}
