import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Every permission is justified in the README ("Privacy promise").
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  manifestVersion: 3,
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: 'Clausemark',
    description: 'Reads privacy policies and terms for you: highlights each opt-out and every exception to it, on the page, offline.',
    permissions: ['activeTab', 'scripting', 'storage'],
    action: { default_title: 'Clausemark' },
    content_security_policy:
      browser === 'firefox'
        ? { extension_pages: "script-src 'self'; object-src 'none'; connect-src 'none'" }
        : { extension_pages: "script-src 'self'; object-src 'none'; connect-src 'none'" },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'clausemark@clausemark.org',
              strict_min_version: '128.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
