import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout, which systemd's journal collects and rotates. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined, redact: ['password', '*.password', 'key', '*.key', 'passphrase'] });
}
