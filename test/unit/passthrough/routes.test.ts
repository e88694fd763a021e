import { describe, expect, it } from 'vitest';
import { accessOf, createRouteTable } from '../../../src/passthrough/routes.ts';
import { checkPath } from '../../../src/passthrough/normalize-path.ts';
import type { RouteConfig } from '../../../src/config/config-schema.ts';

const route = (prefix: string, rewrite = prefix, access: RouteConfig['access'] = { '*': 'public' }): RouteConfig => ({ prefix, service: 's', rewrite, access });

describe('createRouteTable', () => {
  const table = createRouteTable([route('/users'), route('/users/admin', ''), route('/v1/movies', '/movies')]);

  it('matches a prefix and everything below it, not longer names', () => {
    expect(table.match('/users')?.upstreamPath).toBe('/users');
    expect(table.match('/users/7')?.upstreamPath).toBe('/users/7');
    expect(table.match('/usersX')).toBeUndefined();
  });

  it('takes the longest prefix, and applies its rewrite', () => {
    expect(table.match('/users/admin/x')?.upstreamPath).toBe('/x');
    expect(table.match('/users/admin')?.upstreamPath).toBe('/');
    expect(table.match('/v1/movies/3')?.upstreamPath).toBe('/movies/3');
  });
});

describe('accessOf', () => {
  it('reads the method\'s own entry, then "*"; HEAD follows GET unless named', () => {
    const r = route('/x', '/x', { GET: 'public', PUT: { scopes: [['x:write']] }, '*': 'authenticated' });
    expect(accessOf(r, 'GET')).toBe('public');
    expect(accessOf(r, 'HEAD')).toBe('public');
    expect(accessOf(r, 'PUT')).toEqual({ scopes: [['x:write']] });
    expect(accessOf(r, 'DELETE')).toBe('authenticated');
  });
});

describe('checkPath', () => {
  it('accepts ordinary paths, including escapes of other characters, UTF-8 and ";" elsewhere', () => {
    expect(checkPath('/users/7')).toEqual({ ok: true });
    expect(checkPath('/users/a%20b/')).toEqual({ ok: true });
    expect(checkPath('/users/%C3%A9t%C3%A9')).toEqual({ ok: true });
    expect(checkPath('/users/7;v=1')).toEqual({ ok: true });
    expect(checkPath('/users/...')).toEqual({ ok: true });
  });

  it('refuses, once decoded, invalid UTF-8, control characters and ";" parameters on dot segments, saying which', () => {
    expect(checkPath('/a/%c0%ae%c0%ae/b')).toEqual({ ok: false, reason: 'escapes must be valid UTF-8 (no overlong or truncated sequences)' });
    expect(checkPath('/a/1%00.json')).toEqual({ ok: false, reason: 'control characters and NUL are not allowed in paths' });
    expect(checkPath('/a/..;/b')).toEqual({ ok: false, reason: 'dot segments with ";" parameters ("..;") are not allowed in paths' });
    expect(checkPath('/a/%3B/b')).toEqual({ ok: true });
    expect(checkPath('/a/é')).toEqual({ ok: false, reason: 'characters outside printable ASCII must be percent-encoded' });
    expect(checkPath('/a/..%3Bx/b')).toEqual({ ok: false, reason: 'dot segments with ";" parameters ("..;") are not allowed in paths' });
  });

  it('refuses every spelling of a dot segment or a separator', () => {
    for (const p of ['/a/../b', '/a/./b', '/a/%2e%2e/b', '/a/%2E/b', '/a%2fb', '/a%5Cb', '/a\\b', '/a/%252e', '/a//b', '/a/%g1', 'relative']) {
      expect(checkPath(p).ok).toBe(false);
    }
  });
});
