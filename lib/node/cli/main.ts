import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { z } from 'zod';
import { annotateFile, annotateText } from './annotate';
import { useSha256Implementation } from '../../engine/text/hash';
import { InputError } from './load-document';
import { EXPORT_FORMAT_IDS, isExportFormatId, renderExport, type ExportFormatId } from '../../export';

/**
 * `npm run annotate -- <file.html|file.md|file.txt> [--url URL] [--format F]` prints the export on stdout: JSON, or
 * the format asked for (lib/export/).
 * `npm run annotate -- --jsonl` reads lines {"id","text"} on stdin and prints lines {"id","clauses"}.
 * stdout holds only results; every message goes to stderr.
 */
const USAGE = `usage: npm run annotate -- <file.html|file.md|file.txt> [--url URL] [--format json|csv|md|webannotation]
       npm run annotate -- --jsonl [--stats] < lines.jsonl   (each line: {"id": "...", "text": "..."};
                                                            --stats: throughput on stderr at the end)`;

const JsonlLine = z.object({ id: z.union([z.string(), z.number()]), text: z.string() });

interface Options {
  file: string | null;
  url: string | null;
  jsonl: boolean;
  stats: boolean;
  format: ExportFormatId;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { file: null, url: null, jsonl: false, stats: false, format: 'json' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--jsonl') options.jsonl = true;
    else if (arg === '--stats') options.stats = true;
    else if (arg === '--url') {
      const value = argv[++i];
      if (value === undefined) throw new InputError('--url needs a value');
      options.url = value;
    } else if (arg === '--format') {
      const value = argv[++i];
      if (value === undefined || !isExportFormatId(value)) {
        throw new InputError(`--format needs one of ${EXPORT_FORMAT_IDS.join(', ')}${value === undefined ? '' : ` (got "${value}")`}`);
      }
      options.format = value;
    } else if (arg === '--help' || arg === '-h') {
      process.stderr.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith('--')) throw new InputError(`unknown option ${arg}`);
    else if (options.file === null) options.file = arg;
    else throw new InputError(`one file at a time (got ${options.file} and ${arg})`);
  }
  if (!options.jsonl && options.file === null) throw new InputError('no input file given');
  if (options.jsonl && options.format !== 'json') throw new InputError('--jsonl always prints JSON lines; --format is for a file');
  return options;
}

function toolVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** Resolves once the OS has taken the text: a slow reader on a pipe must not lose the end of the output. */
function writeOut(text: string): Promise<void> {
  return new Promise((done, fail) => process.stdout.write(text, (error) => (error ? fail(error) : done())));
}

/** Writes a line; waits only when the pipe is full, so analysis and output overlap. */
async function writeLine(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise<void>((done) => process.stdout.once('drain', () => done()));
}

async function runJsonl(version: string, stats: boolean): Promise<number> {
  let failures = 0;
  let lineNumber = 0;
  let segments = 0;
  let bytes = 0;
  let busyMs = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber++;
    if (line.trim().length === 0) continue;
    let parsed: z.infer<typeof JsonlLine>;
    try {
      parsed = JsonlLine.parse(JSON.parse(line));
    } catch (error) {
      failures++;
      const reason = error instanceof z.ZodError
        ? error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ')
        : error instanceof Error ? error.message : String(error);
      process.stderr.write(`line ${lineNumber}: skipped, not a {"id","text"} object (${reason})\n`);
      continue;
    }
    const started = performance.now();
    const clauses = await annotateText(parsed.text, version);
    const output = `${JSON.stringify({ id: parsed.id, clauses })}\n`;
    busyMs += performance.now() - started;
    await writeLine(output);
    segments++;
    bytes += Buffer.byteLength(parsed.text);
  }
  await writeOut(''); // everything written so far has reached the OS before the process may exit
  // Work time only (no process start, no waiting on stdin or stdout): what the throughput benchmark reads.
  const seconds = busyMs / 1000;
  if (stats) process.stderr.write(`clausemark: ${segments} segments, ${bytes} bytes of text in ${seconds.toFixed(3)} s of analysis (${(bytes / 1e6 / (seconds || 1e-9)).toFixed(2)} MB/s)\n`);
  return failures > 0 ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  useSha256Implementation((text) => createHash('sha256').update(text, 'utf8').digest('hex'));
  try {
    const options = parseArgs(argv);
    const version = toolVersion();
    if (options.jsonl) return await runJsonl(version, options.stats);
    const path = resolve(options.file!);
    const doc = await annotateFile(path, options.url ?? pathToFileURL(path).href, version);
    // Wait until the export is handed to the OS: process.exit() would cut a large export short on a pipe.
    await writeOut(renderExport(doc, options.format));
    process.stderr.write(
      `${doc.clauses.length} clauses: ${doc.summary.optOutCount} opt-outs, ${doc.summary.exceptionCount} exceptions\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`clausemark: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
    process.stderr.write(`clausemark: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
