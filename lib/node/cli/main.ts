import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { InputError } from './input-error';
import { EXPORT_FORMAT_IDS, isExportFormatId, type ExportFormatId } from '../../export';
import { parseShard, WHOLE, type Shard } from './shard';
import { toolVersion } from './version';

/**
 * `npm run annotate -- <file.html|file.md|file.txt> [--url URL] [--format F]` prints the export on stdout: JSON, or
 * the format asked for (lib/export/).
 * `npm run annotate -- --jsonl` reads lines {"id","text"} on stdin and prints lines {"id","clauses"}, in input order.
 * `npm run annotate -- --dir <folder> --out <folder>` writes one export per document under the folder.
 * The corpus modes (--jsonl, --dir) analyse on this thread and worker threads (--workers, default: one per core) and
 * can take one shard of a larger job (--shard i/n). stdout holds only results; every message goes to stderr.
 */
const USAGE = `usage: npm run annotate -- <file.html|file.md|file.txt> [--url URL] [--format json|csv|md|webannotation]
       npm run annotate -- --jsonl [--workers N] [--shard i/n] [--stats] < lines.jsonl > out.jsonl
                                   (each line: {"id": "...", "text": "..."}; --stats: throughput on stderr at the end)
       npm run annotate -- --dir <folder> --out <folder> [--format F] [--workers N] [--shard i/n]
                                   (every .md/.markdown/.html/.htm/.txt under the folder; one export each)
       --workers N: threads that analyse: this one and N-1 worker threads (default: one per core)
       --shard i/n: only the i-th of n parts of the input (lines by number, files by a hash of their path)
       --no-progress: no progress line on stderr (it is shown only when stderr is a terminal)`;

export interface Options {
  file: string | null;
  url: string | null;
  jsonl: boolean;
  dir: string | null;
  out: string | null;
  stats: boolean;
  progress: boolean;
  format: ExportFormatId;
  formatGiven: boolean;
  workers: number;
  shard: Shard;
}

export function parseArgs(argv: string[]): Options {
  const options: Options = {
    file: null, url: null, jsonl: false, dir: null, out: null, stats: false, progress: true, format: 'json', formatGiven: false,
    workers: availableParallelism(), shard: WHOLE,
  };
  let workersGiven = false;
  let shardGiven = false;
  const valueOf = (name: string, value: string | undefined): string => {
    if (value === undefined) throw new InputError(`${name} needs a value`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--jsonl') options.jsonl = true;
    else if (arg === '--stats') options.stats = true;
    else if (arg === '--no-progress') options.progress = false;
    else if (arg === '--url') options.url = valueOf('--url', argv[++i]);
    else if (arg === '--dir') options.dir = valueOf('--dir', argv[++i]);
    else if (arg === '--out') options.out = valueOf('--out', argv[++i]);
    else if (arg === '--workers') {
      const value = valueOf('--workers', argv[++i]);
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 256) throw new InputError(`--workers needs a whole number from 1 to 256 (got "${value}")`);
      options.workers = Number(value);
      workersGiven = true;
    } else if (arg === '--shard') {
      options.shard = parseShard(argv[++i]);
      shardGiven = true;
    } else if (arg === '--format') {
      const value = argv[++i];
      if (value === undefined || !isExportFormatId(value)) {
        throw new InputError(`--format needs one of ${EXPORT_FORMAT_IDS.join(', ')}${value === undefined ? '' : ` (got "${value}")`}`);
      }
      options.format = value;
      options.formatGiven = true;
    } else if (arg === '--help' || arg === '-h') {
      process.stderr.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith('--')) throw new InputError(`unknown option ${arg}`);
    else if (options.file === null) options.file = arg;
    else throw new InputError(`one file at a time (got ${options.file} and ${arg})`);
  }
  const corpus = options.jsonl || options.dir !== null;
  if (options.jsonl && options.dir !== null) throw new InputError('--jsonl reads stdin and --dir a folder: one at a time');
  if (corpus && options.file !== null) throw new InputError(`${options.jsonl ? '--jsonl' : '--dir'} takes no file argument (got ${options.file})`);
  if (!corpus && options.file === null) throw new InputError('no input file given');
  if (options.jsonl && options.formatGiven) throw new InputError('--jsonl always prints JSON lines; --format is for a file');
  if (options.dir !== null && options.out === null) throw new InputError('--dir needs --out <folder> for the exports');
  if (options.dir === null && options.out !== null) throw new InputError('--out goes with --dir');
  if (options.dir !== null && options.url !== null) throw new InputError('--url is for one file; with --dir each export links to its file');
  if (!corpus && (workersGiven || shardGiven)) throw new InputError('--workers and --shard are for --jsonl and --dir');
  return options;
}

/** Resolves once the OS has taken the text: a slow reader on a pipe must not lose the end of the output. */
function writeOut(text: string): Promise<void> {
  return new Promise((done, fail) => process.stdout.write(text, (error) => (error ? fail(error) : done())));
}

export async function main(argv: string[]): Promise<number> {
  try {
    const options = parseArgs(argv);
    const version = toolVersion();
    if (options.jsonl) {
      const { runJsonl } = await import('./run-jsonl');
      return await runJsonl({ version, workers: options.workers, shard: options.shard, stats: options.stats, progress: options.progress });
    }
    if (options.dir !== null) {
      const { runDir } = await import('./run-dir');
      return await runDir({
        version, dir: options.dir, out: options.out!, format: options.format, workers: options.workers, shard: options.shard, progress: options.progress,
      });
    }
    const [{ annotateFile }, { setUpHashing }, { renderExport }] = await Promise.all([import('./annotate'), import('./tasks'), import('../../export')]);
    setUpHashing();
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

/** Runs the CLI and exits with its code: the entry of lib/node/cli/main.ts and of the bundle (.output/cli/main.js). */
export function run(argv: string[] = process.argv.slice(2)): void {
  // `… --jsonl | head`: the reader has taken what it wanted and closed the pipe. Nothing is wrong with the input, so
  // stop quietly, as other command-line tools do, instead of dying on an unhandled EPIPE with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    process.stderr.write(`clausemark: cannot write the output: ${error.message}\n`);
    process.exit(1);
  });
  main(argv).then((code) => process.exit(code), (error: unknown) => {
    process.stderr.write(`clausemark: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) run();
