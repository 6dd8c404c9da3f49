import { partsOfOps, WordDiff } from '../WordDiff';
import type { ProvisionMatch } from '../../lib/document/schema';
import { SeverityBadge } from './Summary';
import { matchWords } from './words';
import { shownSeverity } from '../../lib/document/severity';

/**
 * What the dataset says about a clause's provision: its title and severity, how it matched (same as recorded,
 * changed since, same kind), the word diff for a changed clause, and — on demand — what it means, the rules that
 * apply, what you can do and how other platforms handle it. Everything comes with the match in the document (the
 * background puts it there), so the popup carries no dataset. Text only.
 */


function Diff({ diff, recordedAt }: { diff: NonNullable<ProvisionMatch['diff']>; recordedAt: string | null }) {
  // One edit is a run of removed and added words between kept ones ("improve" → "enhance" is one edit).
  const changed = diff.filter((part, i) => part.op !== 'same' && (i === 0 || diff[i - 1]!.op === 'same')).length;
  return (
    <details class="provision-diff">
      <summary>{`What changed (${changed} ${changed === 1 ? 'edit' : 'edits'})`}</summary>
      <p class="muted small">
        {`Compared with the text recorded${recordedAt ? ` on ${recordedAt}` : ''}: `}
        <ins class="diff-ins">underlined</ins>
        {' words are new, '}
        <del class="diff-del">struck-through</del>
        {' words were removed.'}
      </p>
      <p class="provision-diff-text small wrap-anywhere">
        <WordDiff parts={partsOfOps(diff)} spaceReplacements />
      </p>
    </details>
  );
}

export function ProvisionDetails({ provision }: { provision: ProvisionMatch }) {
  const { explanation, impact, regulations = [], actions = [], others = [] } = provision;
  const hasMore = Boolean(explanation || impact) || regulations.length > 0 || actions.length > 0 || others.length > 0;
  const sure = provision.match === 'type' ? ` (${Math.round(provision.similarity * 100)}% sure)` : '';
  // A weak type match is a guess: no severity badge on a guess (lib/document/severity.ts, MIN_TYPE_SIMILARITY).
  const severity = shownSeverity(provision);
  return (
    <div class="provision-details">
      <p class="provision">
        <span class="provision-title">{provision.title}</span>
        {provision.severity === null || provision.polarity === 'promise' ? (
          <span class="severity severity-promise">Promise</span>
        ) : severity ? (
          <SeverityBadge severity={severity} />
        ) : null}
        <span class="provision-match">{`${matchWords(provision)}${sure}`}</span>
      </p>
      {provision.match === 'changed' && provision.diff && provision.diff.length > 0 && (
        <Diff diff={provision.diff} recordedAt={provision.recordedAt} />
      )}
      {hasMore && (
        <details class="provision-more">
          <summary>What this means and what you can do</summary>
          {explanation && <p class="small">{explanation}</p>}
          {impact && (
            <p class="small provision-impact">
              <strong>What it means for you: </strong>
              {impact}
            </p>
          )}
          {actions.length > 0 && (
            <>
              <h4 class="provision-section">What you can do</h4>
              <ul class="provision-list">
                {actions.map((action, i) => (
                  <li key={i}>
                    <strong>{action.title}</strong>
                    {`: ${action.how}`}
                  </li>
                ))}
              </ul>
            </>
          )}
          {regulations.length > 0 && (
            <>
              <h4 class="provision-section">Rules that apply</h4>
              <ul class="provision-list">
                {regulations.map((regulation, i) => (
                  <li key={i}>{`${regulation.name} (${regulation.jurisdiction})`}</li>
                ))}
              </ul>
            </>
          )}
          {others.length > 0 && (
            <>
              <h4 class="provision-section">How others handle this</h4>
              <ul class="provision-list">
                {others.map((other) => (
                  <li key={other.knownClauseId}>{`${other.platform}: ${other.shape}`}</li>
                ))}
              </ul>
            </>
          )}
        </details>
      )}
    </div>
  );
}
