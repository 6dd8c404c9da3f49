import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// Unit and component tests (Node; component tests opt into happy-dom per file). The browser suite is
// vitest.e2e.config.ts.
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    exclude: ['tests/e2e/**', 'tests/e2e-firefox/**', 'tests/stress/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
