import { integrationConfig } from '../../vitest.shared.js';

export default integrationConfig({ testTimeout: 120_000, hookTimeout: 180_000 });
