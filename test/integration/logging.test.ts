// The gateway's log lines for a GraphQL request and a passthrough request: one child logger per
// request, so the request line and each of its REST call lines carry the request id the client got
// back; the caller's token, cookies and the identity headers sent to services never appear.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { gql } from '../harness/graphql-client.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';
import { testToken } from '../harness/test-tokens.ts';

type Line = Record<string, unknown>;

describe('request logs', () => {
  let stack: Stack;
  const lines: Line[] = [];
  beforeAll(async () => {
    stack = await startStack({ logger: createLogger({ level: 'debug', redactHeaders: ['x-user-id', 'x-user-scopes'], write: (l) => lines.push(JSON.parse(l) as Line) }) });
  });
  afterAll(() => stack.close());
  const linesOf = (requestId: string) => lines.filter((l) => l.requestId === requestId);

  it('a GraphQL request: its request line and its REST call lines share the id the client got', async () => {
    const token = await testToken({ sub: '1' });
    const { headers: answered, body } = await gql(stack.gatewayUrl, '{ user(id: "1") { name favoriteMovies { title } } }', { headers: { authorization: `Bearer ${token}`, cookie: 'session=cookie-secret' } });
    expect(body.errors).toBeUndefined();
    const requestId = answered.get('x-request-id')!;
    const own = linesOf(requestId);
    expect(own.filter((l) => l.message === 'request')).toEqual([expect.objectContaining({ level: 'info', method: 'POST', path: '/graphql', status: 200 })]);
    expect(own.filter((l) => l.message === 'upstream call').map((l) => l.service)).toEqual(['users', 'movies']);
    const headers = own.find((l) => l.message === 'request headers')!.headers as Record<string, string>;
    expect(headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]', 'content-type': 'application/json' });
    const all = JSON.stringify(lines);
    expect(all).not.toContain(token);
    expect(all).not.toContain('cookie-secret');
  });

  it('a passthrough request logs the same way, and identity headers a client sends are redacted', async () => {
    const res = await fetch(`${stack.gatewayUrl}/users/2`, { headers: { 'x-user-id': 'spoofed-id-123', 'x-request-id': 'pt-log-1' } });
    expect(res.status).toBe(200);
    const own = linesOf('pt-log-1');
    expect(own.map((l) => l.message).sort()).toEqual(['request', 'request headers', 'upstream call']);
    expect(own.find((l) => l.message === 'upstream call')).toMatchObject({ service: 'users', method: 'GET', path: '/users/2', status: 200 });
    expect(JSON.stringify(lines)).not.toContain('spoofed-id-123');
  });
});
