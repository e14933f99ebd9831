import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      // Against real EC2 (EC2_CONFORMANCE_AWS=1) instances and snapshots take minutes.
      testTimeout: process.env.EC2_CONFORMANCE_AWS === '1' ? 1_800_000 : 20_000,
      hookTimeout: process.env.EC2_CONFORMANCE_AWS === '1' ? 1_800_000 : 20_000,
    },
  }),
);
