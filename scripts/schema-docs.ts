import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJsonSchema, exportSchemaMarkdown } from '../lib/node/schema-docs';

const docs = join(import.meta.dirname, '..', 'docs');
writeFileSync(join(docs, 'export-schema.json'), `${JSON.stringify(exportJsonSchema(), null, 2)}\n`);
writeFileSync(join(docs, 'export-schema.md'), exportSchemaMarkdown());
process.stderr.write('wrote docs/export-schema.json and docs/export-schema.md\n');
