import { defineConfig } from 'vitest/config';

// Tests run the TypeScript sources: workspace packages resolve through their
// "@backups/source" export condition instead of their compiled dist/, so no
// build is needed before a test. Every package's vitest configs extend this.
// The integration tiers' global setup (packages/testing/src/global-setup.ts)
// runs in vitest's own `__vitest__` environment, which takes neither `resolve`
// nor `ssr.resolve`, and imports the shared package's migrator.
const conditions = ['@backups/source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  environments: { __vitest__: { resolve: { conditions } } },
});
