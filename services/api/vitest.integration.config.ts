import { integrationConfig } from '../../vitest.shared.js';

// Two shared cores: a few files at a time is faster than many fighting.
export default integrationConfig({ testTimeout: 30_000, hookTimeout: 60_000, maxWorkers: 2 });
