import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { currentLogContext } from './log-context.js';

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

export function createLogger(opts: {
  service: string;
  level: string;
  pretty: boolean;
  /** Where JSON lines go (stdout by default); tests pass a sink to read them. */
  destination?: DestinationStream;
}): Logger {
  const options: LoggerOptions = {
    level: opts.level,
    base: { service: opts.service },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // The job (or other unit of work) this line is logged in: see withLogContext.
    // A field the call or a child logger already names is not repeated.
    mixin(merge, _level, logger) {
      const context = currentLogContext();
      if (!context) return {};
      const bound = logger.bindings();
      const extra: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(context)) {
        if (value !== undefined && !(key in merge) && !(key in bound)) extra[key] = value;
      }
      return extra;
    },
  };
  if (opts.pretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        // One line per entry: the local run interleaves several processes' logs.
        options: {
          colorize: true,
          translateTime: 'SYS:HH:MM:ss.l',
          singleLine: true,
          ignore: 'pid,hostname,service',
        },
      },
    });
  }
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
