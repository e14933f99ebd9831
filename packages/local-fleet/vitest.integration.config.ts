import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['../../packages/shared/src/testing/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
