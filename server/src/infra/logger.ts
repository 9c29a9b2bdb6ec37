// Structured logs: JSON in production, one readable line per event otherwise. Never log a password,
// a token, a session id or file content; user text goes in fields, never in the message itself.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, production: boolean): Logger {
  return pino({
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['password', 'token', '*.password', '*.token', 'req.headers.cookie', 'req.headers.authorization'],
      censor: '[redacted]',
    },
    ...(production ? {} : { formatters: { level: (label: string) => ({ level: label }) } }),
  });
}
