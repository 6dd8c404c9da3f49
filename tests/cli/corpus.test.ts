import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnnotatedDocumentSchema, ClauseSchema } from '../../lib/document/schema';

/**
 * The corpus modes as `npm run annotate` runs them: the bundle in .output/cli/ (rebuilt here if stale), real worker
 * threads, real pipes.
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let mainJs: string;
let tmp: string;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], input?: string): Run {
  const result = spawnSync(process.execPath, [mainJs, ...args], { cwd: repoRoot, input, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const OPT_OUT = 'You can unsubscribe from our marketing emails at any time using the unsubscribe link in each email.';
const TRAINING = 'We may use your Inputs and Outputs to train our models, unless you opt out through your account settings. ' +
  'Even if you opt out, we will use Inputs and Outputs for model improvement when your conversations are flagged for safety review.';
const PLAIN = 'The sky over the harbour was grey all morning.';

/** 300 lines of uneven length, so batches finish out of order on several workers. */
function manyLines(count = 300): string[] {
  return Array.from({ length: count }, (_, i) => {
    const text = i % 7 === 0 ? `${TRAINING} `.repeat(1 + (i % 5)) : i % 3 === 0 ? OPT_OUT : `${PLAIN} ${i}`;
    return JSON.stringify({ id: `seg-${i}`, text });
  });
}

beforeAll(async () => {
  // @ts-expect-error a plain ES module without types
  const { ensureCliBuilt } = (await import('../../scripts/build-cli.mjs')) as { ensureCliBuilt: () => Promise<string> };
  mainJs = fileURLToPath(await ensureCliBuilt());
  tmp = mkdtempSync(join(tmpdir(), 'clausemark-corpus-'));
}, 120_000);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const ids = (stdout: string): string[] => stdout.trimEnd().split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);

describe('--jsonl on worker threads', () => {
  it('keeps input order with several workers, and gives the same bytes as one worker', () => {
    const input = `${manyLines().join('\n')}\n`;
    const one = cli(['--jsonl', '--workers', '1'], input);
    const three = cli(['--jsonl', '--workers', '3'], input);
    expect(one.status).toBe(0);
    expect(three.status).toBe(0);
    expect(three.stderr).toBe('');
    expect(ids(three.stdout)).toEqual(Array.from({ length: 300 }, (_, i) => `seg-${i}`));
    expect(three.stdout).toBe(one.stdout);
    const first = JSON.parse(three.stdout.split('\n')[0]!) as { id: string; clauses: unknown[] };
    expect(Object.keys(first).sort()).toEqual(['clauses', 'id']);
    for (const clause of first.clauses) expect(ClauseSchema.safeParse(clause).success).toBe(true);
    expect(first.clauses.length).toBeGreaterThan(0);
  }, 180_000);

  it('reports malformed lines by number on stderr, goes on, and exits 1 (as with one worker)', () => {
    const lines = manyLines(10);
    lines.splice(3, 0, '{"id": "broken", "text": ');
    lines.splice(7, 0, JSON.stringify({ id: 'no-text' }));
    const run = cli(['--jsonl', '--workers', '2'], `${lines.join('\n')}\n`);
    expect(run.status).toBe(1);
    expect(ids(run.stdout)).toEqual(Array.from({ length: 10 }, (_, i) => `seg-${i}`));
    expect(run.stderr).toMatch(/^line 4: skipped, not a \{"id","text"\} object/m);
    expect(run.stderr).toMatch(/^line 8: skipped, not a \{"id","text"\} object \(text: /m);
    expect(run.stderr.trim().split('\n')).toHaveLength(2);
    expect(run.stdout).not.toContain('skipped');
  }, 120_000);

  it('--shard i/n: the shards partition the lines exactly (union = whole, no overlap), malformed lines reported once', () => {
    const lines = manyLines(40);
    lines.splice(5, 0, 'not json');
    const input = `${lines.join('\n')}\n`;
    const whole = cli(['--jsonl', '--workers', '2'], input);
    const shards = [1, 2, 3].map((index) => cli(['--jsonl', '--workers', '2', '--shard', `${index}/3`], input));
    const seen = shards.flatMap((run) => ids(run.stdout));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...ids(whole.stdout)].sort());
    // each shard's lines are whole lines of the full output
    const wholeLines = new Set(whole.stdout.trimEnd().split('\n'));
    for (const run of shards) for (const line of run.stdout.trimEnd().split('\n')) expect(wholeLines.has(line)).toBe(true);
    expect(shards.map((run) => run.status).filter((status) => status === 1)).toHaveLength(1);
    expect(shards.map((run) => run.stderr).join('')).toMatch(/^line 6: skipped/m);
  }, 180_000);

  it('stops quietly with status 0 when the reader closes the pipe early (`| head -1`)', async () => {
    const input = `${manyLines(2000).join('\n')}\n`;
    const child = spawn(process.execPath, [mainJs, '--jsonl', '--workers', '2'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => {}); // the CLI may stop before it has read all of its input
    child.stdin.end(input);
    const firstLine = await new Promise<string>((resolve) => {
      let seen = '';
      child.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('\n')) {
          child.stdout.destroy(); // the reader goes away, as `head -1` does
          resolve(seen.slice(0, seen.indexOf('\n')));
        }
      });
    });
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect((JSON.parse(firstLine) as { id: string }).id).toBe('seg-0');
    expect(stderr).not.toMatch(/EPIPE|Error|unexpected/);
    expect(status).toBe(0);
  }, 120_000);

  it('--stats gives the wall clock and the worker count', () => {
    const run = cli(['--jsonl', '--workers', '2', '--stats'], `${manyLines(5).join('\n')}\n`);
    expect(run.stderr).toMatch(/^clausemark: 5 segments, \d+ bytes of text in [\d.]+ s of analysis .* wall clock from process start with 2 workers/m);
  }, 120_000);
});

describe('--dir', () => {
  function corpus(): string {
    const dir = join(tmp, `in-${Math.random().toString(36).slice(2)}`);
    mkdirSync(join(dir, 'b', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'a.md'), `# Privacy Policy\n\n## Marketing\n\n${OPT_OUT}\n`);
    writeFileSync(join(dir, 'a.html'), `<html><head><title>A</title></head><body><h1>Terms</h1><p>${TRAINING}</p></body></html>`);
    writeFileSync(join(dir, 'b', 'c.txt'), `Data\n\n${TRAINING}\n\n${OPT_OUT}\n`);
    writeFileSync(join(dir, 'b', 'deep', 'd.md'), `# D\n\n${PLAIN}\n`);
    writeFileSync(join(dir, 'b', 'notes.pdf'), 'not a document type the CLI reads');
    for (let i = 0; i < 12; i++) writeFileSync(join(dir, 'b', `p${String(i).padStart(2, '0')}.txt`), `${OPT_OUT} ${i}\n`);
    return dir;
  }

  function listOut(out: string, prefix = ''): string[] {
    if (!existsSync(out)) return [];
    return readdirSync(out, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? listOut(join(out, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]).sort();
  }

  it('writes one export per document, at <out>/<relative path>.<extension>, and a summary on stderr', () => {
    const dir = corpus();
    const out = join(tmp, 'out-json');
    const run = cli(['--dir', dir, '--out', out, '--workers', '2']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    const expected = ['a.html.json', 'a.md.json', 'b/c.txt.json', 'b/deep/d.md.json',
      ...Array.from({ length: 12 }, (_, i) => `b/p${String(i).padStart(2, '0')}.txt.json`)].sort();
    expect(listOut(out)).toEqual(expected);
    const a = AnnotatedDocumentSchema.parse(JSON.parse(readFileSync(join(out, 'a.md.json'), 'utf8')));
    expect(a.document.title).toBe('Privacy Policy');
    expect(a.clauses.some((clause) => clause.optOut?.mechanism === 'unsubscribe-link')).toBe(true);
    const c = AnnotatedDocumentSchema.parse(JSON.parse(readFileSync(join(out, 'b', 'c.txt.json'), 'utf8')));
    expect(c.document.url).toMatch(/^file:\/\/.*\/b\/c\.txt$/);
    expect(run.stderr).toMatch(/^clausemark: 16 of 16 files annotated into .*out-json \(json\): \d+ clauses, \d+ opt-outs, \d+ exceptions\n$/);
    // the same as the single-file CLI
    const single = cli([join(dir, 'b', 'c.txt')]);
    const withoutTime = (doc: { document: { analyzedAt?: string } }): unknown => ({ ...doc, document: { ...doc.document, analyzedAt: null } });
    expect(withoutTime(JSON.parse(single.stdout) as { document: object })).toEqual(
      withoutTime(JSON.parse(readFileSync(join(out, 'b', 'c.txt.json'), 'utf8')) as { document: object }));
  }, 180_000);

  it('--format and --shard: shards partition the files exactly', () => {
    const dir = corpus();
    const whole = listOut((() => {
      const out = join(tmp, 'out-md-whole');
      expect(cli(['--dir', dir, '--out', out, '--format', 'md', '--workers', '1']).status).toBe(0);
      return out;
    })());
    expect(whole.every((name) => name.endsWith('.md'))).toBe(true);
    expect(whole).toHaveLength(16);
    const parts = [1, 2, 3].map((index) => {
      const out = join(tmp, `out-md-${index}`);
      const run = cli(['--dir', dir, '--out', out, '--format', 'md', '--shard', `${index}/3`]);
      expect(run.status).toBe(0);
      expect(run.stderr).toContain(`shard ${index}/3`);
      return listOut(out);
    });
    const union = parts.flat();
    expect(new Set(union).size).toBe(union.length);
    expect(union.sort()).toEqual(whole);
    expect(parts.filter((part) => part.length > 0).length).toBeGreaterThan(1);
  }, 180_000);

  it('reports a bad file by path, writes the others, exits 1; skips an output folder inside the input', () => {
    const dir = corpus();
    writeFileSync(join(dir, 'b', 'empty.md'), '');
    writeFileSync(join(dir, 'binary.html'), Buffer.from([0x89, 0x50, 0x00, 0x00]));
    const out = join(dir, 'exports');
    const run = cli(['--dir', dir, '--out', out, '--workers', '2']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^binary\.html: .*binary\.html looks binary/m);
    expect(run.stderr).toMatch(/^b\/empty\.md: .*empty\.md is empty/m);
    expect(run.stderr).toMatch(/16 of 18 files annotated .*; 2 failed/);
    expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(listOut(out)).toHaveLength(16);
    // a second run does not read its own exports (exports/a.md.md would otherwise be a new input)
    const again = cli(['--dir', dir, '--out', out, '--format', 'md', '--workers', '2']);
    expect(again.stderr).toMatch(/16 of 18 files/);
  }, 180_000);
});

describe('corpus modes: bad arguments', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--jsonl', '--shard', '0/2'], /--shard 0\/2: i must be between 1 and n/],
    [['--jsonl', '--shard', '3/2'], /i must be between 1 and n/],
    [['--jsonl', '--shard'], /--shard needs i\/n/],
    [['--jsonl', '--workers', '0'], /--workers needs a whole number from 1 to 256/],
    [['--jsonl', '--workers', 'many'], /--workers needs a whole number/],
    [['--dir', 'somewhere'], /--dir needs --out/],
    [['--dir', '/no/such/folder', '--out', '/tmp/x'], /--dir \/no\/such\/folder: no such folder/],
    [['--jsonl', '--dir', 'x', '--out', 'y'], /one at a time/],
    [['--out', 'y', 'file.md'], /--out goes with --dir/],
    [['file.md', '--workers', '2'], /--workers and --shard are for --jsonl and --dir/],
    [['--jsonl', 'file.md'], /--jsonl takes no file argument/],
  ];
  it.each(cases)('%j', (args, message) => {
    const run = cli(args, '');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/usage:/);
  }, 60_000);
});

describe('progress on a terminal', () => {
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  it.skipIf(script.status !== 0)('shows files, MB/s and an ETA on stderr when it is a TTY (under script(1)), and nothing in a pipe', () => {
    const dir = join(tmp, 'tty');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 6; i++) writeFileSync(join(dir, `p${i}.txt`), `${OPT_OUT} ${i}\n\n${TRAINING}\n`);
    const out = join(tmp, 'tty-out');
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(mainJs)} --dir ${JSON.stringify(dir)} --out ${JSON.stringify(out)} --workers 1`;
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\r\x1b\[Kclausemark: \d+ files · [\d.]+ MB · [\d.]+ MB\/s · \d+% · ETA \d+:\d\d/);
    expect(run.stdout).toMatch(/6 of 6 files annotated/);
    const piped = cli(['--dir', dir, '--out', `${out}-2`, '--workers', '1']);
    expect(piped.stderr).not.toMatch(/MB\/s/);
    expect(piped.stderr).not.toContain('\r');
  }, 120_000);
});
