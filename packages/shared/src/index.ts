export * from './config/env.js';
export * from './domain/enums.js';
export * from './ids.js';
export * from './json.js';
export { currentLogContext, type LogFields, withLogContext } from './logging/log-context.js';
export { createLogger, type Logger } from './logging/logger.js';
export { NETWORK_ERROR_CODES } from './network-errors.js';
