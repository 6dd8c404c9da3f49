import { z } from 'zod';
import { AnnotatedDocumentSchema } from '../document/schema';

/**
 * The export schema as documentation, generated from the zod schema so the two cannot drift: a JSON Schema file and
 * a Markdown field table. `npm run docs:schema` writes them to docs/; a unit test fails when they are stale.
 */
type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
};

export function exportJsonSchema(): JsonSchema & Record<string, unknown> {
  return {
    $id: 'https://clausemark.invalid/schema/annotated-document.json',
    title: 'Clausemark annotated document',
    ...(z.toJSONSchema(AnnotatedDocumentSchema, { target: 'draft-2020-12' }) as Record<string, unknown>),
  };
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  if (schema.type === 'array') return `array of ${schema.items ? typeOf(schema.items) : 'any'}`;
  const base = Array.isArray(schema.type) ? schema.type.join(' or ') : schema.type ?? 'any';
  return schema.format ? `${base} (${schema.format})` : schema.pattern ? `${base} matching \`${schema.pattern}\`` : base;
}

function rows(schema: JsonSchema, path: string, out: string[]): void {
  const target = schema.anyOf?.find((option) => option.properties) ?? schema;
  if (target.type === 'array' && target.items) {
    rows(target.items, `${path}[]`, out);
    return;
  }
  for (const [name, child] of Object.entries(target.properties ?? {})) {
    const childPath = path ? `${path}.${name}` : name;
    const required = target.required?.includes(name) ? 'yes' : 'no';
    out.push(`| \`${childPath}\` | ${typeOf(child).replace(/\|(?!\s)/g, '\\|')} | ${required} | ${child.description ?? ''} |`);
    const inner = child.anyOf?.find((option) => option.properties || option.items) ?? child;
    if (inner.properties || (inner.type === 'array' && inner.items?.properties)) rows(inner, childPath, out);
  }
}

export function exportSchemaMarkdown(): string {
  const out = [
    '# Export schema (generated)',
    '',
    'Generated from `lib/document/schema.ts` by `npm run docs:schema`; do not edit by hand. The popup\'s JSON export and',
    '`npm run annotate` print this shape. JSON Schema: [`export-schema.json`](export-schema.json).',
    '',
    '`start`/`end` are character offsets into the document\'s extracted text; every `sha256` is of the',
    'whitespace-normalized text; `selector` is a W3C Web Annotation TextQuoteSelector and `position` a',
    'TextPositionSelector; `link` is a text-fragment URL (`#:~:text=`) that opens the page at the clause.',
    '',
    '| field | type | required | meaning |',
    '| --- | --- | --- | --- |',
  ];
  rows(exportJsonSchema() as JsonSchema, '', out);
  return `${out.join('\n')}\n`;
}
