import { defineConfig } from 'vitest/config';

// End-to-end: real Chromium with the built extension (.output/chrome-mv3). One file at a time: each starts a browser.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
