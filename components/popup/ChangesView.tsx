import type { ComponentChildren } from 'preact';
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
    return <p class="muted changes-none">{`Unchanged since ${since} (${date}).`}</p>;
  }
  const titleId = `${idPrefix}-title`;
  const { added, removed, changed } = changes;
  const nothingClauseLevel = added.length + removed.length + changed.length === 0;
  return (
    <section class="changes" aria-labelledby={titleId}>
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

      <KindList id={`${idPrefix}-changed`} title="Reworded" kind="changed" items={changed} clauseOf={(item) => item.after}
        note="Struck-through words were removed; underlined words are new." render={(item) => <WordDiff parts={item.diff} />} />
      <KindList id={`${idPrefix}-added`} title="Added" kind="added" items={added} clauseOf={(clause) => clause}
        render={(clause) => <Inserted text={clause.text} />} />
      <KindList id={`${idPrefix}-removed`} title="Removed" kind="removed" items={removed} clauseOf={(clause) => clause}
        render={(clause) => <Deleted text={clause.text} />} />
    </section>
  );
}

/** One kind of change (reworded, added, removed): a heading, the first clauses, and how many more. */
function KindList<T>(props: {
  id: string;
  title: string;
  kind: 'changed' | 'added' | 'removed';
  items: readonly T[];
  clauseOf: (item: T) => ClauseBrief;
  render: (item: T) => ComponentChildren;
  note?: string;
}) {
  if (props.items.length === 0) return null;
  return (
    <>
      <h3 id={props.id} class="changes-kind">
        {props.title}
      </h3>
      {props.note && <p class="muted changes-note">{props.note}</p>}
      <ol class={`changes-${props.kind}`} aria-labelledby={props.id}>
        {props.items.slice(0, SHOWN_PER_KIND).map((item, i) => (
          <li key={i} class="clause">
            <ClauseTopic clause={props.clauseOf(item)} />
            <p class="clause-text">{props.render(item)}</p>
          </li>
        ))}
      </ol>
      <More count={props.items.length - SHOWN_PER_KIND} />
    </>
  );
}
