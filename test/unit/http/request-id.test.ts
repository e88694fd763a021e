// The request id: the caller's when trusted and well formed, else a fresh UUID.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestIdOf } from '../../../src/http/request-id.ts';

const req = (id?: string): IncomingMessage => ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as IncomingMessage;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdOf', () => {
  it('keeps a well-formed id from a trusted caller', () => {
    expect(requestIdOf(req('abc-123:x.y_z'), true)).toBe('abc-123:x.y_z');
  });

  it('mints one when none is sent, when it is malformed or too long, or when callers are not trusted', () => {
    for (const id of [undefined, 'has space', '<script>', 'x'.repeat(129)]) expect(requestIdOf(req(id), true)).toMatch(UUID);
    expect(requestIdOf(req('abc'), false)).toMatch(UUID);
  });
});
