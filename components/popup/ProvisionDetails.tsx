import { partsOfOps, WordDiff } from '../WordDiff';
import type { LawNamed, ProvisionMatch } from '../../lib/document/schema';
import { SeverityBadge } from './Summary';
import { matchWords } from './words';
import { shownSeverity } from '../../lib/document/severity';

/**
 * What the dataset says about a clause's provision: its title and severity, how it matched (same as recorded,
 * changed since, same kind), the word diff for a changed clause, and — on demand — what it means, what you can do,
 * where to complain, the rules that apply and the laws the page itself names, and how other platforms handle it (their
 * words, with a link to check them). Everything comes with the document (the background puts it there), so the popup
 * carries no dataset. Text only; links only to http(s) addresses, opened in a new tab.
 */

/** The address as a link target, or null when it is not http(s) (a stored document is data, not trusted markup). */
export function httpHref(address: string | undefined): string | null {
  if (address === undefined) return null;
  try {
    const url = new URL(address);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function ExternalLink({ href, children }: { href: string; children: string }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

type Other = NonNullable<ProvisionMatch['others']>[number];

function OtherPlatformItem({ other }: { other: Other }) {
  const href = httpHref(other.link);
  const exceptions = other.exceptions ?? [];
  return (
    <li class="provision-other">
      <span class="provision-other-head">{`${other.platform}: ${other.shape}`}</span>
      {other.quote && <blockquote class="provision-other-quote wrap-anywhere">{`“${other.quote}”`}</blockquote>}
      {exceptions.length > 0 && <p class="provision-other-exceptions">{`Exceptions: ${exceptions.join('; ')}.`}</p>}
      {href && (
        <p class="provision-other-source">
          <ExternalLink href={href}>{`Read it in ${other.documentTitle ?? `${other.platform}'s document`}`}</ExternalLink>
          {` (recorded ${other.recordedAt})`}
        </p>
      )}
    </li>
  );
}

/** Complaint routes for the jurisdictions whose laws the page names first; otherwise the dataset's order. */
function complaintsInOrder(complaints: NonNullable<ProvisionMatch['complaints']>, lawsNamed: readonly LawNamed[]) {
  const named = new Set(lawsNamed.map((law) => law.jurisdiction));
  return [...complaints.filter((route) => named.has(route.jurisdiction)), ...complaints.filter((route) => !named.has(route.jurisdiction))];
}


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

export function ProvisionDetails({ provision, lawsNamed = [] }: { provision: ProvisionMatch; lawsNamed?: readonly LawNamed[] }) {
  const { explanation, impact, regulations = [], actions = [], others = [], complaints = [] } = provision;
  const hasMore = Boolean(explanation || impact) || regulations.length > 0 || actions.length > 0 || others.length > 0
    || complaints.length > 0 || lawsNamed.length > 0;
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
          {complaints.length > 0 && (
            <>
              <h4 class="provision-section">Where to complain</h4>
              <ul class="provision-list">
                {complaintsInOrder(complaints, lawsNamed).map((route, i) => {
                  const href = httpHref(route.url);
                  return (
                    <li key={i}>
                      {href ? <ExternalLink href={href}>{route.authority}</ExternalLink> : <strong>{route.authority}</strong>}
                      {` (${route.jurisdiction}): ${route.how}`}
                    </li>
                  );
                })}
              </ul>
            </>
          )}
          {regulations.length > 0 && (
            <>
              <h4 class="provision-section">Rules that apply</h4>
              <ul class="provision-list">
                {regulations.map((regulation, i) => (
                  <li key={i}>
                    {`${regulation.name} (${regulation.jurisdiction})`}
                    {regulation.namedByPage && <span class="provision-named">{' — named by this page'}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {lawsNamed.length > 0 && (
            <>
              <h4 class="provision-section">Laws this page names</h4>
              <ul class="provision-list">
                {lawsNamed.map((law) => (
                  <li key={law.id}>
                    {`${law.name} (${law.jurisdiction})`}
                    {law.quote !== law.name && <span class="muted">{` — “${law.quote}”`}</span>}
                    {law.mentions > 1 && <span class="muted">{`, named ${law.mentions} times`}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {others.length > 0 && (
            <>
              <h4 class="provision-section">How others handle this</h4>
              <ul class="provision-list">
                {others.map((other) => (
                  <OtherPlatformItem key={other.knownClauseId} other={other} />
                ))}
              </ul>
            </>
          )}
        </details>
      )}
    </div>
  );
}
