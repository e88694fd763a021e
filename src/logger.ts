// A structured logger: one JSON line per event on stderr, filtered by level. Cheap when a level is off.
import type { LogLevel } from './config/config-schema.ts';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  /** Whether a level is logged, so that callers can skip building fields nobody will see. */
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const min = RANK[level];
  const emit = (at: LogLevel) =>
    RANK[at] < min
      ? () => {}
      : (message: string, fields?: Record<string, unknown>) => {
          write(`${JSON.stringify({ time: new Date().toISOString(), level: at, message, ...fields })}\n`);
        };
  return { enabled: (at) => RANK[at] >= min, debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
