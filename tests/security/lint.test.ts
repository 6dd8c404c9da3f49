import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

/**
 * The lint rule of eslint.config.js, run as `npm run lint` runs it: each forbidden construct on its own line of a
 * probe file is reported on that line, and the real source tree has no error at all.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Not on disk: linted from text, with the TypeScript project service allowed to type it on its own. */
const PROBE = 'lib/lint-probe.tsx';

const FORBIDDEN: Array<[name: string, line: string]> = [
  ['innerHTML write', "document.body.innerHTML = '<b>hi</b>';"],
  ['innerHTML read', 'export const read = document.body.innerHTML;'],
  ['innerHTML computed', "document.body['innerHTML'] = untrusted;"],
  ['outerHTML', 'document.body.outerHTML = untrusted;'],
  ['insertAdjacentHTML', "document.body.insertAdjacentHTML('beforeend', untrusted);"],
  ['document.write', 'document.write(untrusted);'],
  ['window.document.writeln', 'window.document.writeln(untrusted);'],
  ['createContextualFragment', 'document.createRange().createContextualFragment(untrusted);'],
  ['dangerouslySetInnerHTML (JSX)', 'export const jsx = <div dangerouslySetInnerHTML={{ __html: untrusted }} />;'],
  ['dangerouslySetInnerHTML (props object)', 'export const props = { dangerouslySetInnerHTML: { __html: untrusted } };'],
  ['eval', 'eval(untrusted);'],
  ['indirect eval', 'globalThis.eval(untrusted);'],
  ['new Function', "export const made = new Function('return 1');"],
  ['Function()', "export const called = Function('return 1');"],
  ['setTimeout with a string', "setTimeout('alert(1)', 10);"],
  ['setInterval with a template', 'setInterval(`tick(${untrusted})`, 10);'],
  ['window.setTimeout with a concatenation', "window.setTimeout('go(' + untrusted + ')', 10);"],
  ['setTimeout with a string variable', 'setTimeout(untrusted, 10);'],
];

function probeSource(): string {
  return ['declare const untrusted: string;', ...FORBIDDEN.map(([, line]) => line), 'setTimeout(() => undefined, 10);', 'export {};', ''].join('\n');
}

function eslint(): ESLint {
  return new ESLint({
    cwd: ROOT,
    overrideConfig: { languageOptions: { parserOptions: { projectService: { allowDefaultProject: [PROBE] } } } },
  });
}

describe('lint rule against HTML sinks and string-to-code', () => {
  it('reports every forbidden construct, each on its own line, and nothing else', { timeout: 120_000 }, async () => {
    const [result] = await eslint().lintText(probeSource(), { filePath: `${ROOT}${PROBE}` });
    expect(result!.fatalErrorCount).toBe(0);
    const reportedLines = new Set(result!.messages.filter((message) => message.severity === 2).map((message) => message.line));
    FORBIDDEN.forEach(([name], index) => {
      // line 1 declares `untrusted`; forbidden line i sits on line i + 2
      expect(reportedLines.has(index + 2), `${name} was not reported`).toBe(true);
    });
    // The function-callback timer and the declaration are fine.
    expect(reportedLines.has(1)).toBe(false);
    expect(reportedLines.has(FORBIDDEN.length + 2)).toBe(false);
  });

  it('ignores eslint-disable comments: the rule has no exceptions', { timeout: 120_000 }, async () => {
    const source = ['// eslint-disable-next-line', "document.body.innerHTML = '<b>hi</b>';", 'export {};', ''].join('\n');
    const [result] = await eslint().lintText(source, { filePath: `${ROOT}${PROBE}` });
    expect(result!.messages.some((message) => message.line === 2 && message.ruleId === 'no-restricted-properties')).toBe(true);
  });

  it('finds no error in the real source tree (lib, components, entrypoints, scripts, tests/support)', { timeout: 180_000 }, async () => {
    const results = await new ESLint({ cwd: ROOT }).lintFiles(['lib', 'components', 'entrypoints', 'scripts', 'tests/support']);
    const problems = results.flatMap((result) =>
      result.messages.filter((message) => message.severity === 2).map((message) => `${result.filePath}:${message.line} ${message.ruleId}: ${message.message}`),
    );
    expect(results.length).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });
});
