import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { annotateFile, annotateText } from './annotate';
import { useSha256Implementation } from '../../engine/text/hash';
import { InputError } from './input-error';
import { renderExport, type ExportFormatId } from '../../export';

/**
 * The work of the corpus modes, the same in a worker thread and in the main thread (`--workers 1`): a batch of raw
 * --jsonl lines, or one file of --dir. Messages carry plain data only.
 */
export function setUpHashing(): void {
  useSha256Implementation((text) => createHash('sha256').update(text, 'utf8').digest('hex'));
}

const JsonlLine = z.object({ id: z.union([z.string(), z.number()]), text: z.string() });

function isPlainLine(value: unknown): value is { id: string | number; text: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { id, text } = value as Record<string, unknown>;
  return typeof text === 'string' && (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)));
}

export interface JsonlItem {
  line: number;
  raw: string;
}

/** out: the output line, newline included; error: why the line was skipped; fatal: an unexpected failure (stops the run). */
export type JsonlResult =
  | { line: number; out: string; textBytes: number; ms: number }
  | { line: number; error: string }
  | { line: number; fatal: string };

export async function annotateJsonlBatch(items: JsonlItem[], version: string): Promise<JsonlResult[]> {
  const results: JsonlResult[] = [];
  for (const { line, raw } of items) {
    let parsed: z.infer<typeof JsonlLine>;
    try {
      const value: unknown = JSON.parse(raw);
      // The common well-formed line is checked by hand (what the schema accepts, and no more); anything else goes
      // through the schema, which accepts or explains it.
      parsed = isPlainLine(value) ? { id: value.id, text: value.text } : JsonlLine.parse(value);
    } catch (error) {
      const reason = error instanceof z.ZodError
        ? error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ')
        : error instanceof Error ? error.message : String(error);
      results.push({ line, error: `line ${line}: skipped, not a {"id","text"} object (${reason})` });
      continue;
    }
    try {
      const began = performance.now();
      const clauses = await annotateText(parsed.text);
      const out = `${JSON.stringify({ id: parsed.id, clauses })}\n`;
      results.push({ line, out, textBytes: Buffer.byteLength(parsed.text), ms: performance.now() - began });
    } catch (error) {
      results.push({ line, fatal: `line ${line}: ${error instanceof Error ? error.stack ?? error.message : String(error)}` });
    }
  }
  return results;
}

export interface FileTask {
  path: string; // absolute
  relative: string; // as listed, '/' separators
  outPath: string; // absolute
  url: string;
  format: ExportFormatId;
}

export type FileResult =
  | { relative: string; clauses: number; optOuts: number; exceptions: number }
  | { relative: string; error: string };

/** Annotates one file and writes its export (to a temporary name, then renamed: no half-written outputs). */
export async function annotateFileTask(task: FileTask, version: string): Promise<FileResult> {
  try {
    const doc = await annotateFile(task.path, task.url, version);
    await mkdir(dirname(task.outPath), { recursive: true });
    const temporary = `${task.outPath}.${process.pid}.partial`;
    await writeFile(temporary, renderExport(doc, task.format));
    await rename(temporary, task.outPath);
    return { relative: task.relative, clauses: doc.clauses.length, optOuts: doc.summary.optOutCount, exceptions: doc.summary.exceptionCount };
  } catch (error) {
    const message = error instanceof InputError
      ? error.message
      : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    return { relative: task.relative, error: `${task.relative}: ${message}` };
  }
}

export type Task = { kind: 'jsonl'; items: JsonlItem[] } | { kind: 'file'; task: FileTask };
export type TaskResult = JsonlResult[] | FileResult;

export function runTask(task: Task, version: string): Promise<TaskResult> {
  return task.kind === 'jsonl' ? annotateJsonlBatch(task.items, version) : annotateFileTask(task.task, version);
}
