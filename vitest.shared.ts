import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';

// Tests run the TypeScript sources: workspace packages resolve through their
// "@backups/source" export condition instead of their compiled dist/, so no
// build is needed before a test. Every package's vitest configs extend this.
// The integration tiers' global setup (packages/testing/src/global-setup.ts)
// runs in vitest's own `__vitest__` environment, which takes neither `resolve`
// nor `ssr.resolve`, and imports the shared package's migrator.
const conditions = ['@backups/source', 'node', 'development|production'];

const config = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  environments: { __vitest__: { resolve: { conditions } } },
});
export default config;

const GLOBAL_SETUP = fileURLToPath(new URL('./packages/testing/src/global-setup.ts', import.meta.url));

/**
 * A package's integration tier on real Postgres and Redis: its `test/` files,
 * with the harness's global setup (one migrated template database per run, which
 * each file clones). Only the time limits and parallelism differ per package.
 */
export function integrationConfig(limits: { testTimeout: number; hookTimeout: number; maxWorkers?: number }) {
  return mergeConfig(
    config,
    defineConfig({
      test: { include: ['test/**/*.test.ts'], environment: 'node', globalSetup: [GLOBAL_SETUP], ...limits },
    }),
  );
}
