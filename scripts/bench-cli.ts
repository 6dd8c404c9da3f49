import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench:cli`: the CLI at corpus scale — a benchmark, not a test; it writes reports/cli-bench.md.
 *
 * 1. Start-up: `--jsonl` on empty stdin, from source through tsx (what `npm run annotate` ran before) and from the
 *    esbuild bundle (what it runs now), median of 5.
 * 2. Throughput over the OPP-115 segments (lines {"id","text"}), whole process, start-up included, 1 and 2 workers;
 *    and, as the ceiling, two independent processes over one half each.
 * 3. Memory: a synthetic input of BENCH_CLI_MB (default 100) MB — the OPP-115 lines again and again with new ids —
 *    streamed through a pipe into `--jsonl`, output read from a pipe; the process's resident set sampled over time.
 *
 * Wall times on a shared machine vary with its load: the load average and the CPU time (user + sys, from
 * /usr/bin/time when present) are reported next to them.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OPP115 = join(ROOT, '..', 'shared', 'corpus', 'opp115', 'opp115_segments.jsonl');
const OUTPUT = join(ROOT, 'reports', 'cli-bench.md');
const BUNDLE = ['scripts/annotate.mjs'];
const SOURCE = ['--import', 'tsx', 'lib/node/cli/main.ts'];
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const MEMORY_MB = Number(process.env.BENCH_CLI_MB ?? 100);
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const load = (): string => loadavg().map((value) => value.toFixed(1)).join(' / ');

interface Timed {
  wall: number;
  cpu: number | null;
  maxRssKb: number | null;
  status: number | null;
  stderr: string;
}

/**
 * One process, stdin from a file, stdout discarded; wall clock from spawn to exit. Asynchronous, so several can run at
 * once (the two-halves ceiling); the others are awaited one after another.
 */
function timed(args: string[], stdinPath: string): Promise<Timed> {
  const stdin = openSync(stdinPath, 'r');
  const command = TIME ? TIME : process.execPath;
  const argv = TIME ? ['-f', '@@time %e %U %S %M', process.execPath, ...args] : args;
  const began = performance.now();
  const child = spawn(command, argv, { cwd: ROOT, stdio: [stdin, 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (status) => {
    closeSync(stdin);
    const match = /@@time ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
    resolve({
      wall: (performance.now() - began) / 1000,
      cpu: match ? Number(match[2]) + Number(match[3]) : null,
      maxRssKb: match ? Number(match[4]) : null,
      status,
      stderr: stderr.replace(/@@time.*\n?/, ''),
    });
  }));
}

/** `count` runs of timed(), one after another. */
async function timedRuns(count: number, args: string[], stdinPath: string): Promise<Timed[]> {
  const runs: Timed[] = [];
  for (let i = 0; i < count; i++) runs.push(await timed(args, stdinPath));
  return runs;
}

function oppInput(dir: string): { path: string; lines: string[]; textBytes: number } | null {
  if (!existsSync(OPP115)) return null;
  let textBytes = 0;
  const lines = readFileSync(OPP115, 'utf8').split('\n').filter((line) => line.trim().length > 0).map((line) => {
    const record = JSON.parse(line) as { policy_name: string; segment_id: number; text: string };
    textBytes += Buffer.byteLength(record.text);
    return JSON.stringify({ id: `${record.policy_name}#${record.segment_id}`, text: record.text });
  });
  const path = join(dir, 'opp115.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, lines, textBytes };
}

/** Streams `megabytes` of lines through a pipe into the CLI, reads its output, samples its RSS from /proc. */
async function memoryRun(lines: string[], megabytes: number, workers: number): Promise<{
  inputBytes: number; outputLines: number; seconds: number; samples: Array<[number, number]>; status: number | null; stderr: string;
}> {
  const child = spawn(process.execPath, [...BUNDLE, '--jsonl', '--workers', String(workers)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const samples: Array<[number, number]> = [];
  const began = performance.now();
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const rss = /VmRSS:\s+(\d+) kB/.exec(status);
      if (rss) samples.push([(performance.now() - began) / 1000, Number(rss[1]) / 1024]);
    } catch {
      // the process has exited
    }
  }, 250);
  let outputLines = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) outputLines++;
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const target = megabytes * 1e6;
  let inputBytes = 0;
  let round = 0;
  // Writes respect the pipe: wait for 'drain' whenever the CLI is not reading.
  outer: for (;;) {
    for (const line of lines) {
      const record = JSON.parse(line) as { id: string; text: string };
      const text = `${JSON.stringify({ id: `r${round}:${record.id}`, text: record.text })}\n`;
      inputBytes += Buffer.byteLength(text);
      if (!child.stdin.write(text)) await new Promise((resolve) => child.stdin.once('drain', resolve));
      if (inputBytes >= target) break outer;
    }
    round++;
    if (round % 5 === 0) log(`  … ${(inputBytes / 1e6).toFixed(0)} MB written, RSS ${samples.at(-1)?.[1].toFixed(0) ?? '?'} MB`);
  }
  child.stdin.end();
  const status = await exited;
  clearInterval(sampler);
  return { inputBytes, outputLines, seconds: (performance.now() - began) / 1000, samples, status, stderr };
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'clausemark-bench-cli-'));
  const out: string[] = [];
  try {
    log('building the CLI bundle…');
    const buildBegan = performance.now();
    const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (build.status !== 0) throw new Error('scripts/build-cli.mjs failed');
    const buildSeconds = (performance.now() - buildBegan) / 1000;
    const empty = join(tmp, 'empty.jsonl');
    writeFileSync(empty, '');

    out.push('# CLI at corpus scale: benchmark', '',
      `Generated by \`npm run bench:cli\` (scripts/bench-cli.ts) on ${new Date().toISOString().slice(0, 10)}: ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `${availableParallelism()} cores available, Node ${process.version}. A benchmark, not a test. Wall times depend on the ` +
      'machine\'s load, so the load average (1 / 5 / 15 min) and the CPU time of the process (user + sys, all threads) stand next to them.', '',
      `Bundle build (esbuild, scripts/build-cli.mjs): ${buildSeconds.toFixed(2)} s.`, '');

    log('start-up…');
    out.push('## Start-up', '', '`--jsonl` on empty stdin, `--workers 1` (no worker thread; the analysis modules are loaded): the whole process, median of 5.', '',
      '| how | wall s | CPU s | max RSS MB | load |', '| --- | ---: | ---: | ---: | --- |');
    for (const [name, args] of [['from source through tsx (before)', SOURCE], ['bundle, .output/cli/ (now)', BUNDLE]] as const) {
      const runs = await timedRuns(5, [...args, '--jsonl', '--workers', '1'], empty);
      out.push(`| ${name} | ${median(runs.map((r) => r.wall)).toFixed(2)} | ${runs[0]!.cpu === null ? '–' : median(runs.map((r) => r.cpu!)).toFixed(2)} | ` +
        `${runs[0]!.maxRssKb === null ? '–' : (median(runs.map((r) => r.maxRssKb!)) / 1024).toFixed(0)} | ${load()} |`);
      log(`  ${name}: ${median(runs.map((r) => r.wall)).toFixed(2)} s`);
    }
    out.push('');

    const opp = oppInput(tmp);
    if (opp === null) {
      out.push(`## Throughput, memory: SKIPPED`, '', `${OPP115} is absent: no OPP-115 segments to run over, no synthetic input built from them.`, '');
    } else {
      const inputBytes = statSync(opp.path).size;
      out.push('## Throughput over OPP-115', '',
        `${opp.lines.length} segments, ${(opp.textBytes / 1e6).toFixed(2)} MB of text (${(inputBytes / 1e6).toFixed(2)} MB of JSON lines), ` +
        '`--jsonl` from a file on stdin, output discarded. MB/s = MB of text ÷ the whole process\'s wall time (start-up included). ' +
        'Median of 3 for the bundle, one run from source.', '',
        '*MB/s per CPU s* = MB of text ÷ CPU seconds of the whole process (every thread, start-up included): the rate one ' +
        'core gives when it is not shared, which the wall time hides on a loaded machine.', '',
        '| how | --workers | wall s | MB/s (text) | CPU s | MB/s per CPU s | max RSS MB | load |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
      const target = 2;
      const results: Record<string, number> = {};
      for (const [name, args, repeats] of [['bundle', BUNDLE, 3], ['source (tsx)', SOURCE, 1]] as const) {
        for (const workers of [1, 2]) {
          const runs = await timedRuns(repeats, [...args, '--jsonl', '--workers', String(workers)], opp.path);
          for (const run of runs) if (run.status !== 0) throw new Error(`CLI failed: ${run.stderr}`);
          const wall = median(runs.map((r) => r.wall));
          results[`${name}-${workers}`] = opp.textBytes / 1e6 / wall;
          const cpu = runs[0]!.cpu === null ? null : median(runs.map((r) => r.cpu!));
          if (cpu !== null) results[`${name}-${workers}-cpu`] = cpu;
          out.push(`| ${name} | ${workers} | ${wall.toFixed(2)} | **${(opp.textBytes / 1e6 / wall).toFixed(2)}** | ` +
            `${cpu === null ? '–' : cpu.toFixed(2)} | ${cpu === null ? '–' : (opp.textBytes / 1e6 / cpu).toFixed(2)} | ${runs[0]!.maxRssKb === null ? '–' : (median(runs.map((r) => r.maxRssKb!)) / 1024).toFixed(0)} | ${load()} |`);
          log(`  ${name}, ${workers} worker(s): ${wall.toFixed(2)} s = ${(opp.textBytes / 1e6 / wall).toFixed(2)} MB/s`);
        }
      }
      const two = results['bundle-2']!;
      out.push('', `Target ≥ ${target} MB/s on two cores, start-up included: ${two.toFixed(2)} MB/s — ${two >= target ? 'met' : '**NOT met**'}. ` +
        `Two analysers (this thread and one worker) vs one: ×${(two / results['bundle-1']!).toFixed(2)}.` +
        (results['bundle-2-cpu'] === undefined ? '' : ` On two cores of its own the two-worker run would take about ` +
          `${(results['bundle-2-cpu'] / 2).toFixed(2)} s (its CPU time ÷ 2) = ${(opp.textBytes / 1e6 / (results['bundle-2-cpu'] / 2)).toFixed(2)} MB/s.`), '');

      // What the machine's cores give this work at best: two processes, nothing shared, one half of the lines each.
      log('two processes on two halves…');
      const half = Math.ceil(opp.lines.length / 2);
      const halves = [opp.lines.slice(0, half), opp.lines.slice(half)].map((lines, i) => {
        const path = join(tmp, `half-${i}.jsonl`);
        writeFileSync(path, `${lines.join('\n')}\n`);
        return path;
      });
      const pairs: Array<{ wall: number; cpu: number | null }> = [];
      for (let repeat = 0; repeat < 3; repeat++) {
        const began = performance.now();
        const runs = await Promise.all(halves.map((path) => timed([...BUNDLE, '--jsonl', '--workers', '1'], path)));
        for (const run of runs) if (run.status !== 0) throw new Error(`CLI failed: ${run.stderr}`);
        pairs.push({ wall: (performance.now() - began) / 1000, cpu: runs.some((run) => run.cpu === null) ? null : runs.reduce((sum, run) => sum + run.cpu!, 0) });
      }
      const pairWall = median(pairs.map((pair) => pair.wall));
      const pairCpu = pairs[0]!.cpu === null ? null : median(pairs.map((pair) => pair.cpu!));
      const oneCpu = results['bundle-1-cpu'];
      out.push('### What two cores give this work at best', '',
        'Two `--workers 1` processes at once, each over one half of the lines: no threads, nothing shared between them, so ' +
        'no pool can do better on this machine. Median of 3.', '',
        '| how | wall s | MB/s (text) | CPU s, both | vs one process over the whole |', '| --- | ---: | ---: | ---: | ---: |',
        `| two processes, one half each | ${pairWall.toFixed(2)} | **${(opp.textBytes / 1e6 / pairWall).toFixed(2)}** | ` +
        `${pairCpu === null ? '–' : pairCpu.toFixed(2)} | ×${(opp.textBytes / 1e6 / pairWall / results['bundle-1']!).toFixed(2)} in wall time` +
        `${pairCpu === null || oneCpu === undefined ? '' : `; ${((pairCpu / oneCpu - 1) * 100).toFixed(0)}% more CPU time`} |`, '',
        'When the CPU time grows with two processes running, each core does the work more slowly while the other is busy ' +
        '(the two virtual cores share the hardware beneath them): the rate per core of the one-process run is not available twice.', '');
      log(`  two halves: ${pairWall.toFixed(2)} s = ${(opp.textBytes / 1e6 / pairWall).toFixed(2)} MB/s`);

      log(`memory: ${MEMORY_MB} MB through a pipe…`);
      const workers = Math.min(2, availableParallelism());
      const memory = await memoryRun(opp.lines, MEMORY_MB, workers);
      const rss = memory.samples.map(([, mb]) => mb);
      const quarter = Math.max(1, Math.floor(rss.length / 4));
      const first = median(rss.slice(0, quarter));
      const last = median(rss.slice(-quarter));
      const max = Math.max(...rss);
      const expected = Math.floor(memory.inputBytes > 0 ? memory.outputLines : 0);
      out.push('## Resident memory over a long input', '',
        `${(memory.inputBytes / 1e6).toFixed(1)} MB of JSON lines (the OPP-115 lines repeated with new ids) written into a pipe as fast as the CLI takes them, ` +
        `\`--jsonl --workers ${workers}\` (the bundle), output read from a pipe: ${memory.outputLines.toLocaleString('en')} lines out, exit ${memory.status}, ` +
        `${memory.seconds.toFixed(0)} s (${(memory.inputBytes / 1e6 / memory.seconds).toFixed(2)} MB/s of input). VmRSS of the process (all threads) sampled every 250 ms: ${rss.length} samples.`, '',
        '| | MB |', '| --- | ---: |',
        `| max | **${max.toFixed(0)}** |`,
        `| median, first quarter of the run | ${first.toFixed(0)} |`,
        `| median, last quarter of the run | ${last.toFixed(0)} |`,
        `| growth, last quarter vs first | **${(last - first >= 0 ? '+' : '')}${(last - first).toFixed(0)}** (${((last / first - 1) * 100).toFixed(1)}%) |`, '',
        `RSS over time (s → MB): ${memory.samples.filter((_, i) => i % Math.max(1, Math.floor(memory.samples.length / 12)) === 0).map(([t, mb]) => `${t.toFixed(0)} → ${mb.toFixed(0)}`).join(', ')}.`, '');
      if (expected === 0 || memory.status !== 0) out.push(`(stderr: ${memory.stderr.slice(0, 500)})`, '');
      log(`  max ${max.toFixed(0)} MB, first quarter ${first.toFixed(0)}, last quarter ${last.toFixed(0)}`);
    }
    writeFileSync(OUTPUT, `${out.join('\n')}\n`);
    log(`wrote ${OUTPUT}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
