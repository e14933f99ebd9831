import { integrationConfig } from '../../vitest.shared.js';

// Files start worker processes of their own; two at a time is what 2 shared cores take.
export default integrationConfig({ testTimeout: 90_000, hookTimeout: 60_000, maxWorkers: 2 });
