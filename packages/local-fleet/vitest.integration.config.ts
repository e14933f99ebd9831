import { integrationConfig } from '../../vitest.shared.js';

export default integrationConfig({ testTimeout: 180_000, hookTimeout: 120_000 });
