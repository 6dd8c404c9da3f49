import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import type { Plugin } from 'vite';
import { AUTOMATIC_ORIGINS } from './lib/extension/background/automatic-mode';

/**
 * The extension pages' CSP: our own scripts only, no plugins, no network (connect-src), no <base> rewriting, no form
 * posts, and no page may frame ours. Identical for Chrome and Firefox.
 */
export const EXTENSION_PAGES_CSP = [
  "script-src 'self'",
  "object-src 'none'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The mark (public/icon/clausemark.svg: a page with one line underlined as an opt-out, one wavy as its exception). */
const ICONS = { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' };

/**
 * The keyboard shortcut that opens the popup; people can change it in the browser's extension shortcuts. Chromium
 * leaves a suggested key unassigned when it is its own (Alt+Shift+P and Alt+Shift+C are): check commands.getAll().
 */
export const POPUP_SHORTCUT = 'Alt+Shift+K';

/** Exactly these permissions; each is justified in docs/permissions.md. */
// No `storage`: analyses, history and settings live in the extension's own IndexedDB, which needs no permission.
export const PERMISSIONS = ['activeTab', 'scripting'];

/**
 * Two code paths in bundled libraries that Clausemark never uses, compiled out so no bundle carries an HTML sink or
 * an eval (the Firefox linter flags both, and they would be the only ones):
 * - Preact's `dangerouslySetInnerHTML` support (our lint rule forbids the prop): it now throws instead of writing
 *   `innerHTML`;
 * - zod's "can this page eval?" probe (`new Function("")`): the extension CSP forbids eval, so the answer is always
 *   no, and zod runs without its eval-compiled fast path (the same as `z.config({ jitless: true })`).
 * Each rewrite must match exactly once: a library update that changes the code fails the build here, to be looked at.
 */
const REWRITES: Array<{ module: RegExp; find: RegExp; replace: string; why: string }> = [
  {
    module: /\/preact\/dist\/preact\.mjs$/,
    find: /(\w)\?\((\w)\|\|(\w)&&\(\1\.__html==\3\.__html\|\|\1\.__html==(\w)\.innerHTML\)\|\|\(\4\.innerHTML=\1\.__html\),(\w)\.__k=\[\]\):/g,
    replace: '$1?((()=>{throw Error("dangerouslySetInnerHTML is not supported")})(),$5.__k=[]):',
    why: "Preact's dangerouslySetInnerHTML branch",
  },
  {
    module: /\/zod\/v4\/core\/util\.js$/,
    find: /try \{\s*const F = Function;\s*new F\(""\);\s*return true;\s*\}\s*catch \(_\) \{\s*return false;\s*\}/g,
    replace: 'return false;',
    why: "zod's eval probe",
  },
  {
    module: /\/zod\/v4\/core\/doc\.js$/,
    find: /compile\(\) \{\s*const F = Function;/g,
    replace: 'compile() { throw new Error("zod code generation is disabled in Clausemark"); const F = undefined;',
    why: "zod's code generator",
  },
];

function withoutHtmlSinksOrEval(): Plugin {
  return {
    name: 'clausemark:no-html-sinks-or-eval',
    enforce: 'pre',
    transform(code, id) {
      const path = id.split('?')[0]!.replace(/\\/g, '/');
      const rewrite = REWRITES.find((candidate) => candidate.module.test(path));
      if (!rewrite) return null;
      const matches = code.match(rewrite.find)?.length ?? 0;
      if (matches !== 1) {
        throw new Error(`${rewrite.why}: expected one match in ${path}, found ${matches}; check the rewrite in wxt.config.ts`);
      }
      return { code: code.replace(rewrite.find, rewrite.replace), map: null };
    },
  };
}

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  manifestVersion: 3,
  vite: () => ({ plugins: [withoutHtmlSinksOrEval(), preact()] }),
  // The Firefox sources zip holds what a reviewer needs to rebuild: no generated demo output or reports.
  zip: { excludeSources: ['demo-output/**', 'reports/**', 'docs/*.png'] },
  manifest: ({ browser }) => ({
    name: 'Clausemark',
    description: 'Reads privacy policies and terms for you: highlights each opt-out and every exception to it, on the page, offline.',
    permissions: PERMISSIONS,
    // Automatic mode only, granted from the popup's button; lib/extension/background/automatic-mode.ts registers the content
    // script while it is granted.
    optional_host_permissions: [...AUTOMATIC_ORIGINS],
    icons: ICONS,
    action: { default_title: 'Clausemark', default_icon: ICONS },
    // Opens the popup from the keyboard, as the toolbar button does (and, like it, lets the popup read the tab's address).
    commands: { _execute_action: { suggested_key: { default: POPUP_SHORTCUT }, description: 'Open Clausemark' } },
    content_security_policy: { extension_pages: EXTENSION_PAGES_CSP },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'clausemark@clausemark.org',
              // data_collection_permissions is read from Firefox 140 (Android 142) on.
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {}),
  }),
});
