import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

// Paths that must never reach a log line, whatever object is logged.
const REDACT = [
  'req.headers["ld-api-key"]',
  'headers["ld-api-key"]',
  'req.headers.authorization',
  'headers.authorization',
  '*.apiKey',
  '*.secret',
  '*.password',
  'apiKey',
  'secret',
  'password',
];

export function createLogger(opts: { service: string; level: string; pretty: boolean }): Logger {
  const options: LoggerOptions = {
    level: opts.level,
    base: { service: opts.service },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (opts.pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return pino(options);
}
