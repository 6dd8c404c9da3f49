import { defineConfig } from 'vitest/config';

// End-to-end in real Firefox (Debian's firefox-esr) with the built add-on (.output/firefox-mv3), over WebDriver BiDi.
export default defineConfig({
  test: {
    include: ['tests/e2e-firefox/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
