// Bundles the CLI and its worker thread (lib/node/cli/main.ts, worker.ts) into .output/cli/ with esbuild, so
// `npm run annotate` starts without compiling TypeScript at run time. `node scripts/build-cli.mjs` builds;
// `ensureCliBuilt()` rebuilds only when a source the bundle was made from is newer than it (or is gone).
// esbuild comes with the toolchain (tsx and vite depend on it); it is not a direct dependency.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_DIR = join(ROOT, '.output', 'cli');
const INPUTS = join(CLI_DIR, 'inputs.json');

export async function buildCli(outdir = CLI_DIR) {
  const { build } = await import('esbuild');
  // Chunk names carry content hashes: without a clean folder every build would leave the last one's chunks behind.
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { main: join(ROOT, 'lib/node/cli/main.ts'), worker: join(ROOT, 'lib/node/cli/worker.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
    // Bundled CommonJS packages may call require(): give the ES modules one.
    banner: { js: "import { createRequire as __clausemarkRequire } from 'node:module'; const require = __clausemarkRequire(import.meta.url);" },
  });
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(outdir, 'inputs.json'), JSON.stringify(Object.keys(result.metafile.inputs).map((input) => join(ROOT, input))));
  return outdir;
}

/** Whether .output/cli/ is missing or older than any file it was built from. */
export function cliIsStale() {
  if (!existsSync(INPUTS) || !existsSync(join(CLI_DIR, 'main.js'))) return true;
  const built = statSync(INPUTS).mtimeMs;
  for (const input of [...JSON.parse(readFileSync(INPUTS, 'utf8')), join(ROOT, 'package.json'), fileURLToPath(import.meta.url)]) {
    try {
      if (statSync(input).mtimeMs > built) return true;
    } catch {
      return true;
    }
  }
  return false;
}

export async function ensureCliBuilt() {
  if (cliIsStale()) await buildCli();
  return pathToFileURL(join(CLI_DIR, 'main.js')).href;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const began = performance.now();
  await buildCli(process.argv[2] ?? CLI_DIR);
  process.stderr.write(`built ${process.argv[2] ?? '.output/cli/'} in ${((performance.now() - began) / 1000).toFixed(2)} s\n`);
}
