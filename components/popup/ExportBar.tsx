import { StatusLine } from './StatusLine';
import { useState } from 'preact/hooks';
import type { AnnotatedDocument } from '../../lib/document/schema';
import { EXPORT_FORMAT_IDS, EXPORT_FORMATS, formatFileName, isExportFormatId, type ExportFormat, type ExportFormatId } from '../../lib/export';
import { errorText } from '../../lib/engine/text/format';

type Outcome = { ok: boolean; text: string };

/** How long the object URL lives after the click: long enough for the browser to start the download. */
const REVOKE_AFTER_MS = 10_000;


function download(doc: AnnotatedDocument, format: ExportFormat): string {
  const fileName = formatFileName(doc, format.id);
  const blob = new Blob([format.filePrefix + format.render(doc)], { type: format.mimeType });
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

async function copy(doc: AnnotatedDocument, format: ExportFormat): Promise<void> {
  const text = format.render(doc);
  if (!navigator.clipboard?.writeText) throw new Error(`copying is not available here; use Download ${format.label}`);
  await navigator.clipboard.writeText(text);
}

/** Export in one of four formats: pick one, then download it as a file or copy it. */
export function ExportBar({ doc }: { doc: AnnotatedDocument }) {
  const [formatId, setFormatId] = useState<ExportFormatId>('json');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const format = EXPORT_FORMATS[formatId];

  function onFormat(value: string) {
    if (!isExportFormatId(value)) return;
    setFormatId(value);
    setOutcome(null);
  }

  function onDownload() {
    try {
      const fileName = download(doc, format);
      setOutcome({ ok: true, text: `Saved as ${fileName}` });
    } catch (error) {
      setOutcome({ ok: false, text: `Couldn't save the file: ${errorText(error, 'unknown error')}` });
    }
  }

  async function onCopy() {
    try {
      await copy(doc, format);
      setOutcome({ ok: true, text: `Copied the ${format.label} to the clipboard` });
    } catch (error) {
      setOutcome({ ok: false, text: `Couldn't copy: ${errorText(error, 'unknown error')}` });
    }
  }

  return (
    <section class="export" aria-label="Export">
      <p>
        <label for="export-format">Export as </label>
        <select
          id="export-format"
          class="export-format"
          value={formatId}
          aria-describedby="export-format-hint"
          onChange={(event) => onFormat(event.currentTarget.value)}
        >
          {EXPORT_FORMAT_IDS.map((id) => (
            <option key={id} value={id}>
              {EXPORT_FORMATS[id].label}
            </option>
          ))}
        </select>
      </p>
      <p id="export-format-hint" class="muted export-hint">
        {format.description}
      </p>
      {/* The format is on show in the choice above; the buttons' names repeat it for screen readers. */}
      <div class="export-buttons">
        <button type="button" class="button-secondary" aria-label={`Download ${format.label}`} onClick={onDownload}>
          Download
        </button>
        <button type="button" class="button-secondary" aria-label={`Copy ${format.label}`} onClick={() => void onCopy()}>
          Copy
        </button>
      </div>
      <StatusLine outcome={outcome} />
    </section>
  );
}
