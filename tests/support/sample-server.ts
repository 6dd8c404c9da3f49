import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { renderMarkdown, escapeHtml } from '../../lib/node/cli/load-document';

/**
 * Serves policy documents as web pages on 127.0.0.1 (loopback only): each Markdown file rendered the way the CLI
 * renders it, at /<name>.html. The bundled fixtures always; the shared corpus too when it is present.
 */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const FIXTURE_DIR = join(REPO_ROOT, 'tests', 'fixtures', 'policies');
export const CORPUS_DIR = resolve(REPO_ROOT, '..', 'shared', 'corpus', 'policies');

export interface SampleServer {
  origin: string;
  pages: string[];
  urlOf(name: string): string;
  close(): Promise<void>;
}

export function policyFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const dir of [CORPUS_DIR, FIXTURE_DIR]) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) {
      if (file.endsWith('.md') && file !== 'SOURCE.md') files.set(basename(file, '.md'), join(dir, file));
    }
  }
  return files;
}

export async function startSampleServer(port = 0, extraPages: Record<string, string> = {}): Promise<SampleServer> {
  const files = policyFiles();
  const rendered = new Map<string, string>();
  const page = (name: string): string | null => {
    if (extraPages[name] !== undefined) return extraPages[name]!;
    const file = files.get(name);
    if (file === undefined) return null;
    if (!rendered.has(name)) rendered.set(name, renderMarkdown(readFileSync(file, 'utf8'), name));
    return rendered.get(name)!;
  };
  const names = [...new Set([...files.keys(), ...Object.keys(extraPages)])].sort();
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    if (path === '/') {
      const links = names.map((name) => `<li><a href="/${escapeHtml(name)}.html">${escapeHtml(name)}</a></li>`).join('');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><title>Sample policies</title><h1>Sample policies</h1><ul>${links}</ul>`);
      return;
    }
    const html = path.endsWith('.html') ? page(path.slice(1, -5)) : null;
    if (html === null) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  return {
    origin,
    pages: names,
    urlOf: (name) => `${origin}/${name}.html`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
