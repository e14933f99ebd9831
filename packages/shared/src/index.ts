export * from './config/env.js';
export * from './domain/enums.js';
export * from './ids.js';
export * from './json.js';
export { createLogger, type Logger } from './logging/logger.js';
