import { defineConfig } from 'vitest/config';

// Tests run the TypeScript sources: workspace packages resolve through their
// "@backups/source" export condition instead of their compiled dist/, so no
// build is needed before a test. Every package's vitest configs extend this.
const conditions = ['@backups/source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
});
