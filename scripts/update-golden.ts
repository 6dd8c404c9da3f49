import { readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { annotateFile } from '../lib/node/cli/annotate';
import { goldenOf } from '../lib/node/eval/golden';

/** `npm run golden:update`: rewrites tests/fixtures/golden/ from the engine's current output. Review the diff. */
const root = join(import.meta.dirname, '..');
const fixtures = join(root, 'tests', 'fixtures', 'policies');
for (const file of readdirSync(fixtures).filter((name) => name.endsWith('.md') && name !== 'SOURCE.md')) {
  const doc = await annotateFile(join(fixtures, file), `https://example.invalid/${file}`, 'golden');
  const out = join(root, 'tests', 'fixtures', 'golden', `${basename(file, '.md')}.json`);
  writeFileSync(out, `${JSON.stringify(goldenOf(doc), null, 2)}\n`);
  process.stderr.write(`wrote ${out}\n`);
}
