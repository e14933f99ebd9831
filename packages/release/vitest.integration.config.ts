import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      environment: 'node',
      globalSetup: ['../../packages/testing/src/global-setup.ts'],
      testTimeout: 120_000,
      hookTimeout: 180_000,
    },
  }),
);
