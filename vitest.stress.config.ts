import { defineConfig } from 'vitest/config';

// The stress run: 500+ generated hostile pages in real Chromium with the built extension (`npm run test:stress`).
// Not part of `npm test`; tests/e2e/hostile.test.ts runs one page of each kind there.
export default defineConfig({
  test: {
    include: ['tests/stress/**/*.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
