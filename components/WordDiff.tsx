import { Fragment } from 'preact';

/**
 * The one word-diff view: deleted words struck through, inserted ones underlined, each with words for screen readers
 * ("removed:", "added:"), so the diff never depends on colour (styles: components/common.css). Used for "changed
 * since your last visit" and for "changed since recorded".
 */
export interface WordPart {
  kind: 'same' | 'inserted' | 'deleted';
  text: string;
}

/** The provision matcher's diff (export schema: same / added / removed) in the view's words. */
export function partsOfOps(ops: ReadonlyArray<{ op: 'same' | 'added' | 'removed'; text: string }>): WordPart[] {
  return ops.map(({ op, text }) => ({ kind: op === 'added' ? 'inserted' : op === 'removed' ? 'deleted' : 'same', text }));
}

export function Deleted({ text }: { text: string }) {
  return (
    <del class="diff-del">
      <span class="visually-hidden">[removed: </span>
      {text}
      <span class="visually-hidden">]</span>
    </del>
  );
}

export function Inserted({ text }: { text: string }) {
  return (
    <ins class="diff-ins">
      <span class="visually-hidden">[added: </span>
      {text}
      <span class="visually-hidden">]</span>
    </ins>
  );
}

/** `spaceReplacements`: a deleted run directly followed by an inserted one reads as two words, not one run-on word. */
export function WordDiff({ parts, spaceReplacements = false }: { parts: readonly WordPart[]; spaceReplacements?: boolean }) {
  return (
    <>
      {parts.map((part, i) =>
        part.kind === 'deleted' ? (
          <Fragment key={i}>
            <Deleted text={part.text} />
            {spaceReplacements && parts[i + 1]?.kind === 'inserted' && !/\s$/.test(part.text) ? ' ' : null}
          </Fragment>
        ) : part.kind === 'inserted' ? (
          <Inserted key={i} text={part.text} />
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
