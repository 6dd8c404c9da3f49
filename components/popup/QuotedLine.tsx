import { useState } from 'preact/hooks';

/**
 * A plain sentence with the page's own words one click away: the sentence is the disclosure's summary, the quote
 * and a "Show on page" button open under it. Native <details>: keyboard and screen readers work without script.
 */
export function QuotedLine({
  plain,
  quote,
  clauseId,
  onJump,
}: {
  plain: string;
  quote: string;
  clauseId: string;
  onJump?: (clauseId: string) => Promise<boolean>;
}) {
  const [failed, setFailed] = useState(false);
  return (
    <details class="quoted">
      <summary>{plain}</summary>
      <blockquote class="quote">{quote}</blockquote>
      {onJump && (
        <p class="quote-actions">
          <button
            type="button"
            class="button-secondary"
            onClick={async () => {
              setFailed(false);
              setFailed(!(await onJump(clauseId)));
            }}
          >
            Show on page
          </button>
          {failed && (
            <span class="inline-fail" role="alert">
              Couldn't reach the page. Reload it and analyse again.
            </span>
          )}
        </p>
      )}
    </details>
  );
}
