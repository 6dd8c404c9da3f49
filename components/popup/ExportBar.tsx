import { useState } from 'preact/hooks';
import type { AnnotatedDocument } from '../../lib/export/schema';
import { exportFileName, toJsonExport } from '../../lib/export/json';
import { CheckIcon, CrossIcon } from './Icons';

type Outcome = { ok: boolean; text: string };

/** How long the object URL lives after the click: long enough for the browser to start the download. */
const REVOKE_AFTER_MS = 10_000;

function reason(error: unknown): string {
  return error instanceof Error && error.message ? error.message : 'unknown error';
}

function downloadJson(doc: AnnotatedDocument): string {
  const fileName = exportFileName(doc);
  const blob = new Blob([toJsonExport(doc)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  }
  return fileName;
}

async function copyJson(doc: AnnotatedDocument): Promise<void> {
  const json = toJsonExport(doc);
  if (!navigator.clipboard?.writeText) throw new Error('copying is not available here; use Download JSON');
  await navigator.clipboard.writeText(json);
}

export function ExportBar({ doc }: { doc: AnnotatedDocument }) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  function onDownload() {
    try {
      const fileName = downloadJson(doc);
      setOutcome({ ok: true, text: `Saved as ${fileName}` });
    } catch (error) {
      setOutcome({ ok: false, text: `Couldn't save the file: ${reason(error)}` });
    }
  }

  async function onCopy() {
    try {
      await copyJson(doc);
      setOutcome({ ok: true, text: 'Copied the JSON to the clipboard' });
    } catch (error) {
      setOutcome({ ok: false, text: `Couldn't copy: ${reason(error)}` });
    }
  }

  return (
    <section class="export" aria-label="Export">
      <div class="export-buttons">
        <button type="button" class="button-secondary" onClick={onDownload}>
          Download JSON
        </button>
        <button type="button" class="button-secondary" onClick={() => void onCopy()}>
          Copy JSON
        </button>
      </div>
      <p class={`export-status ${outcome ? (outcome.ok ? 'ok' : 'fail') : ''}`} role="status" aria-live="polite">
        {outcome && (outcome.ok ? <CheckIcon /> : <CrossIcon />)}
        {outcome && <span>{outcome.text}</span>}
      </p>
    </section>
  );
}
