// Structured logs: JSON lines in production, one readable line per event otherwise. Never log a
// password, a token, a session id or file content; user text goes in fields, never in the message
// itself, and is JSON-escaped, so a CR/LF in it cannot forge a log line.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** `12:01:02 warn  [outbox] mail not sent, will retry {"mailId":"…"}` */
const readable: DestinationStream = {
  write(line: string) {
    const { time, level, module, msg, ...fields } = JSON.parse(line) as Record<string, unknown>;
    const clock = typeof time === 'string' ? time.slice(11, 19) : '';
    const rest = Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
    process.stdout.write(`${clock} ${String(level).padEnd(5)} ${module ? `[${String(module)}] ` : ''}${String(msg ?? '')}${rest}\n`);
  },
};

export function createLogger(level: string, production: boolean): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }) },
      redact: {
        paths: ['password', 'token', '*.password', '*.token', 'req.headers.cookie', 'req.headers.authorization'],
        censor: '[redacted]',
      },
    },
    production ? undefined : readable,
  );
}
