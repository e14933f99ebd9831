import { integrationConfig } from '../../vitest.shared.js';

export default integrationConfig({ testTimeout: 60_000, hookTimeout: 60_000 });
