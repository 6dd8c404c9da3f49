// `npm run annotate`: the bundled CLI (.output/cli/main.js), rebuilt first if any of its sources changed
// (scripts/build-cli.mjs), then run in this same process.
import { ensureCliBuilt } from './build-cli.mjs';

const { run } = await import(await ensureCliBuilt());
run(process.argv.slice(2));
