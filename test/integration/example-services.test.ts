// The example REST services on their own: seeded data, pagination, batch lookups, validation, favorites,
// request counters, and persistence under a data path.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMoviesService } from '../../subgraphs/movies/movies-service.ts';
import { createUsersService } from '../../subgraphs/users/users-service.ts';
import { closeServer, listen } from '../harness/listen.ts';

const servers: Server[] = [];
let users: string;
let movies: string;
beforeAll(async () => {
  servers.push(createUsersService(), createMoviesService());
  [users, movies] = await Promise.all(servers.map(listen)) as [string, string];
});
afterAll(() => Promise.all(servers.map(closeServer)));

const call = async (url: string, init?: RequestInit & { json?: unknown }): Promise<{ status: number; headers: Headers; body: any }> => {
  const res = await fetch(url, init?.json === undefined ? init : { ...init, headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.json) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
};

describe('seed data', () => {
  it('has 1,000 users and 5,000 movies, the same on every start', async () => {
    const u = await call(`${users}/users?limit=1`);
    const m = await call(`${movies}/movies?limit=1`);
    expect(u.headers.get('x-total-count')).toBe('1000');
    expect(m.headers.get('x-total-count')).toBe('5000');
    const again = createUsersService();
    const url = await listen(again);
    try {
      expect((await call(`${url}/users/500`)).body).toEqual((await call(`${users}/users/500`)).body);
    } finally {
      await closeServer(again);
    }
  });

  it('gives records the agreed shape, with string ids', async () => {
    const user = (await call(`${users}/users/1`)).body;
    expect(Object.keys(user)).toEqual(['id', 'name', 'email', 'favoriteMovieIds']);
    expect(user.id).toBe('1');
    expect(user.favoriteMovieIds.every((id: unknown) => typeof id === 'string')).toBe(true);
    const movie = (await call(`${movies}/movies/1`)).body;
    expect(Object.keys(movie)).toEqual(['id', 'title', 'year', 'genre', 'directorId']);
    expect(movie.directorId).toMatch(/^\d+$/);
  });
});

describe('reads', () => {
  it('pages with limit and offset, in id order', async () => {
    const page = await call(`${users}/users?limit=3&offset=10`);
    expect(page.body.map((u: any) => u.id)).toEqual(['11', '12', '13']);
    expect((await call(`${users}/users`)).body).toHaveLength(20);
  });

  it('rejects a bad limit with 400 naming the parameter', async () => {
    expect(await call(`${users}/users?limit=-1`)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', field: 'limit' } } });
  });

  it('gets one record, or 404 with a JSON error', async () => {
    expect((await call(`${movies}/movies/12`)).body.id).toBe('12');
    expect(await call(`${movies}/movies/99999`)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'movie 99999 not found' } } });
    expect((await call(`${users}/users/abc`)).status).toBe(404);
  });

  it('batch-gets by ids in the order asked, with null for a missing id', async () => {
    const batch = await call(`${users}/users?ids=3,99999,1,abc`);
    expect(batch.body.map((u: any) => u?.id ?? null)).toEqual(['3', null, '1', null]);
  });

  it('filters movies by director', async () => {
    const director = (await call(`${movies}/movies/5`)).body.directorId;
    const list = await call(`${movies}/movies?directorId=${director}&limit=1000`);
    expect(list.body.length).toBe(Number(list.headers.get('x-total-count')));
    expect(list.body.every((m: any) => m.directorId === director)).toBe(true);
    expect(list.body.map((m: any) => m.id)).toContain('5');
  });
});

describe('writes', () => {
  it('creates a user (201, Location), rejects bad fields with 400 naming them, and a taken email with 409', async () => {
    const created = await call(`${users}/users`, { method: 'POST', json: { name: ' Grace ', email: 'Grace@Example.test' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/users/${created.body.id}`);
    expect(created.body).toMatchObject({ name: 'Grace', email: 'grace@example.test', favoriteMovieIds: [] });
    expect(await call(`${users}/users`, { method: 'POST', json: { name: '', email: 'x@y.z' } })).toMatchObject({ status: 400, body: { error: { field: 'name' } } });
    expect(await call(`${users}/users`, { method: 'POST', json: { name: 'A', email: 'x@y.z', role: 'admin' } })).toMatchObject({ status: 400, body: { error: { field: 'role' } } });
    expect(await call(`${users}/users`, { method: 'POST', json: { name: 'A', email: 'x@y.z', favoriteMovieIds: ['1', 'two'] } })).toMatchObject({ status: 400, body: { error: { field: 'favoriteMovieIds[1]' } } });
    expect(await call(`${users}/users`, { method: 'POST', json: { name: 'A', email: 'grace@example.test' } })).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT', field: 'email' } } });
  });

  it('rejects a body that is not JSON, or not a JSON object', async () => {
    expect((await call(`${users}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' })).status).toBe(400);
    expect((await call(`${users}/users`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
    expect((await call(`${users}/users`, { method: 'POST', json: [1, 2] })).status).toBe(400);
  });

  it('updates a user partially, and adds and removes favorites idempotently', async () => {
    const { body: user } = await call(`${users}/users`, { method: 'POST', json: { name: 'Linus', email: 'linus@example.test', favoriteMovieIds: ['1'] } });
    expect((await call(`${users}/users/${user.id}`, { method: 'PATCH', json: { name: 'Linus T' } })).body).toMatchObject({ name: 'Linus T', email: 'linus@example.test' });
    await call(`${users}/users/${user.id}/favorites/7`, { method: 'PUT' });
    expect((await call(`${users}/users/${user.id}/favorites/7`, { method: 'PUT' })).body.favoriteMovieIds).toEqual(['1', '7']);
    expect((await call(`${users}/users/${user.id}/favorites/1`, { method: 'DELETE' })).body.favoriteMovieIds).toEqual(['7']);
    expect((await call(`${users}/users/${user.id}/favorites/x`, { method: 'PUT' })).status).toBe(400);
  });

  it('creates, updates and deletes a movie with validation', async () => {
    const created = await call(`${movies}/movies`, { method: 'POST', json: { title: 'Paths', year: 2001, genre: 'Drama', directorId: '4' } });
    expect(created.status).toBe(201);
    expect(await call(`${movies}/movies`, { method: 'POST', json: { title: 'No director' } })).toMatchObject({ status: 400, body: { error: { field: 'directorId' } } });
    expect(await call(`${movies}/movies/${created.body.id}`, { method: 'PATCH', json: { year: 1700 } })).toMatchObject({ status: 400, body: { error: { field: 'year' } } });
    expect((await call(`${movies}/movies/${created.body.id}`, { method: 'PATCH', json: { genre: null } })).body).toMatchObject({ title: 'Paths', genre: null });
    expect((await call(`${movies}/movies/${created.body.id}`, { method: 'DELETE' })).body.title).toBe('Paths');
    expect((await call(`${movies}/movies/${created.body.id}`)).status).toBe(404);
  });

  it('answers an unsupported method with 405', async () => {
    expect((await call(`${movies}/movies/1`, { method: 'PUT', json: {} })).status).toBe(405);
  });
});

describe('request counters', () => {
  it('count each route, batch lookups apart, and reset on request', async () => {
    await call(`${movies}/__stats/reset`, { method: 'POST' });
    await call(`${movies}/movies?ids=1,2`);
    await call(`${movies}/movies?limit=2`);
    await call(`${movies}/movies/3`);
    expect((await call(`${movies}/__stats`)).body).toEqual({ service: 'movies', total: 3, routes: { 'GET /movies?ids': 1, 'GET /movies': 1, 'GET /movies/:id': 1 } });
  });
});

describe('persistence', () => {
  it('keeps writes across a restart when given a data path, and restarts from the seed without one', async () => {
    const dataPath = mkdtempSync(join(tmpdir(), 'users-data-'));
    const first = createUsersService({ dataPath });
    const url1 = await listen(first);
    const created = await call(`${url1}/users`, { method: 'POST', json: { name: 'Kept', email: 'kept@example.test' } });
    await closeServer(first);

    const second = createUsersService({ dataPath });
    const url2 = await listen(second);
    try {
      expect((await call(`${url2}/users/${created.body.id}`)).body.name).toBe('Kept');
      expect((await call(`${url2}/users?limit=1`)).headers.get('x-total-count')).toBe('1001');
    } finally {
      await closeServer(second);
    }
    const fresh = createUsersService();
    const url3 = await listen(fresh);
    try {
      expect((await call(`${url3}/users/${created.body.id}`)).status).toBe(404);
    } finally {
      await closeServer(fresh);
    }
  });
});
