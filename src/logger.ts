// Structured logs with pino: JSON lines on stderr ({ time, level, message, ...fields }), or pino-pretty's
// coloured lines for a person at a terminal. A child logger carries what every line of one request
// shares (its request id); header values that prove who someone is (Authorization, cookies, the
// identity headers, the services' configured secrets) are replaced by "[redacted]" wherever a line
// holds them under `headers`. A level that is off costs one comparison.
import { createRequire } from 'node:module';
import { pino, stdTimeFunctions, type DestinationStream, type Logger as Pino } from 'pino';
import type { GatewayConfig, LogLevel } from './config/config-schema.ts';

/** "auto": pretty at a terminal, JSON otherwise (a pipe, a file, a log collector). */
export type LogFormat = 'auto' | 'json' | 'pretty';
type Level = Exclude<LogLevel, 'silent'>;

export interface Logger {
  /** Whether a level is logged, so that callers can skip building fields nobody will see. */
  enabled(level: Level): boolean;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line also carries `bindings` (a request's id). */
  child(bindings: Record<string, unknown>): Logger;
  /** Writes out what is buffered: before the process exits. */
  flush(): void;
}

export interface LoggerOptions {
  level: LogLevel;
  /** @default "json" */
  format?: LogFormat;
  /** Where JSON lines go instead of stderr (tests). */
  write?: (line: string) => void;
  /** Header names whose values never reach a log line (lower case), besides the ones always redacted. */
  redactHeaders?: readonly string[];
}

/** Always redacted: what authenticates a caller to the gateway or to a service. */
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

/** pino's redaction paths for `headers.<name>` on a line. */
const redactPaths = (names: readonly string[]): string[] => [...new Set([...SECRET_HEADERS, ...names])].map((name) => `headers[${JSON.stringify(name)}]`);

/** pino-pretty is a development dependency: a production install without it logs JSON. */
function prettyStream(): DestinationStream | undefined {
  try {
    const pretty = createRequire(import.meta.url)('pino-pretty') as (options: object) => DestinationStream;
    return pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY, messageKey: 'message', translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true });
  } catch {
    return undefined;
  }
}

/**
 * A pino logger, or a child not made yet: a request's child logger is made by its first line, so a
 * request that logs nothing (every request at the production level) costs one small object.
 */
class PinoLogger implements Logger {
  readonly #parent: Pino;
  readonly #bindings: Record<string, unknown> | undefined;
  #pino: Pino | undefined;
  constructor(parent: Pino, bindings?: Record<string, unknown>) {
    this.#parent = parent;
    this.#bindings = bindings;
    if (!bindings) this.#pino = parent;
  }
  get #logger(): Pino {
    return (this.#pino ??= this.#parent.child(this.#bindings!));
  }
  enabled(level: Level): boolean {
    return this.#parent.isLevelEnabled(level);
  }
  debug(message: string, fields?: Record<string, unknown>): void {
    if (this.#parent.isLevelEnabled('debug')) this.#logger.debug(fields, message);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    if (this.#parent.isLevelEnabled('info')) this.#logger.info(fields, message);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    if (this.#parent.isLevelEnabled('warn')) this.#logger.warn(fields, message);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    if (this.#parent.isLevelEnabled('error')) this.#logger.error(fields, message);
  }
  child(bindings: Record<string, unknown>): Logger {
    return new PinoLogger(this.#logger, bindings);
  }
  flush(): void {
    this.#logger.flush();
  }
}

export function createLogger(options: LoggerOptions): Logger {
  const format = options.format === 'auto' ? (process.stderr.isTTY ? 'pretty' : 'json') : options.format;
  const pretty = format === 'pretty' && !options.write && options.level !== 'silent' ? prettyStream() : undefined;
  // Asynchronous writes: lines that come while one is written go out together, in one system call.
  const destination: DestinationStream = options.write
    ? { write: options.write }
    : options.level === 'silent' ? { write: () => {} } : (pretty ?? pino.destination({ dest: 2, sync: false }));
  return new PinoLogger(
    pino(
      {
        level: options.level,
        messageKey: 'message',
        base: { pid: process.pid },
        timestamp: stdTimeFunctions.isoTime,
        // Level names in JSON ("info", not 30), as log pipelines filter on them; pino-pretty reads numbers.
        ...(pretty ? {} : { formatters: { level: (label: string) => ({ level: label }) } }),
        redact: { paths: redactPaths(options.redactHeaders ?? []), censor: '[redacted]' },
      },
      destination,
    ),
  );
}

/** The gateway's logger as configured: level, format, and every header that carries a secret. */
export function configuredLogger(config: Pick<GatewayConfig, 'logLevel' | 'logFormat' | 'auth' | 'services'>, write?: (line: string) => void): Logger {
  const { subject, scopes } = config.auth.identityHeaders;
  // The services' configured headers, and their signed-identity headers (an assertion is a short-lived credential).
  const configured = Object.values(config.services).flatMap((service) => [...Object.keys(service.headers), ...(service.signIdentity ? [service.signIdentity.header] : [])]);
  return createLogger({ level: config.logLevel, format: config.logFormat, write, redactHeaders: [subject, scopes, ...configured] });
}
