import { integrationConfig } from '../../vitest.shared.js';

export default integrationConfig({ testTimeout: 30_000, hookTimeout: 60_000 });
