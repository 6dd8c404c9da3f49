import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The tool version, from the project's package.json: the nearest one above this module whose name is "clausemark".
 * Found by walking up, so it holds from lib/node/cli/*.ts (under tsx) and from the bundle in .output/cli/ alike.
 */
export function toolVersion(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'clausemark' && typeof manifest.version === 'string') return manifest.version;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the clausemark package.json above the CLI');
    dir = parent;
  }
}
