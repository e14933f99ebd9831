import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['./test/setup-env.ts'],
    // Against real EC2 (EC2_CONFORMANCE_AWS=1) instances and snapshots take minutes.
    testTimeout: process.env.EC2_CONFORMANCE_AWS === '1' ? 1_800_000 : 20_000,
    hookTimeout: process.env.EC2_CONFORMANCE_AWS === '1' ? 1_800_000 : 20_000,
  },
});
