import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      environment: 'node',
      globalSetup: ['../../packages/testing/src/global-setup.ts'],
      testTimeout: 90_000,
      hookTimeout: 60_000,
      // Files start worker processes of their own; two at a time is what 2 shared cores take.
      maxWorkers: 2,
    },
  }),
);
