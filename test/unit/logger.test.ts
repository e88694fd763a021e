// The logger's lines: JSON with the level's name, the message and the fields; a child's bindings on
// every line; header values that prove identity replaced wherever a line holds them under `headers`.
import { describe, expect, it } from 'vitest';
import { configuredLogger, createLogger } from '../../src/logger.ts';
import { loadConfig } from '../../src/config/load-config.ts';

const capture = (level: 'debug' | 'info' | 'warn', redactHeaders?: string[]) => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level, redactHeaders, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
};

describe('logger', () => {
  it('writes one JSON line per event: ISO time, level name, message, pid and the fields', () => {
    const { logger, lines } = capture('info');
    logger.info('upstream call', { service: 'users', status: 200 });
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({ level: 'info', message: 'upstream call', service: 'users', status: 200, pid: process.pid });
    expect(new Date(line!.time as string).toISOString()).toBe(line!.time);
  });

  it('drops the levels below its own, and says so through enabled()', () => {
    const { logger, lines } = capture('warn');
    logger.debug('no');
    logger.info('no');
    logger.warn('yes');
    logger.error('yes too');
    expect(lines.map((l) => l.level)).toEqual(['warn', 'error']);
    expect([logger.enabled('info'), logger.enabled('warn')]).toEqual([false, true]);
  });

  it('a child carries its bindings (a request id) on every line, its parent does not', () => {
    const { logger, lines } = capture('info');
    const child = logger.child({ requestId: 'r-1' });
    child.info('request', { status: 200 });
    child.child({ traceId: 't-9' }).warn('nested');
    logger.info('process');
    expect(lines.map((l) => [l.message, l.requestId, l.traceId])).toEqual([
      ['request', 'r-1', undefined],
      ['nested', 'r-1', 't-9'],
      ['process', undefined, undefined],
    ]);
  });

  it('redacts Authorization, cookies and the configured header names, and keeps the rest', () => {
    const { logger, lines } = capture('debug', ['x-user-id', 'x-api-key']);
    const headers = { authorization: 'Bearer eyJsecret', cookie: 'sid=secret', 'set-cookie': 'a=secret', 'x-user-id': '42', 'x-api-key': 'secret-key', accept: 'application/json' };
    logger.debug('request headers', { headers });
    expect(lines[0]!.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]', 'set-cookie': '[redacted]', 'x-user-id': '[redacted]', 'x-api-key': '[redacted]', accept: 'application/json' });
    expect(JSON.stringify(lines)).not.toContain('secret');
    // The object logged is left as it was.
    expect(headers.authorization).toBe('Bearer eyJsecret');
  });

  it('the configured logger redacts the identity headers and every service\'s configured headers', () => {
    const config = loadConfig({ envFile: false, env: {}, overrides: { auth: { identityHeaders: { subject: 'x-caller' } }, services: { users: { urls: ['http://127.0.0.1:1'], schema: '../../schema/users.graphql', headers: { 'x-tenant-key': 'k' } } } }, cwd: import.meta.dirname });
    const lines: string[] = [];
    const logger = configuredLogger({ ...config, logLevel: 'debug' }, (line) => lines.push(line));
    logger.debug('h', { headers: { 'x-caller': '1', 'x-tenant-key': 'k', 'x-user-scopes': 'admin', 'x-user-id': 'not an identity header here' } });
    expect(JSON.parse(lines[0]!).headers).toEqual({ 'x-caller': '[redacted]', 'x-tenant-key': '[redacted]', 'x-user-scopes': '[redacted]', 'x-user-id': 'not an identity header here' });
  });
});
