// The users REST service: list, get, batch get by ids, create, update, delete, and favorites, over SQLite.
import type { DatabaseSync } from 'node:sqlite';
import { createHttpService, ServiceError, type RequestContext, type Reply, type Route } from '../shared/http-service.ts';
import {
  idListField,
  idsParam,
  intParam,
  parseId,
  rejectUnknownFields,
  requireObject,
  stringField,
} from '../shared/params.ts';
import { createRecordTable } from '../shared/record-table.ts';
import { identityVerifier, type IdentityVerification } from '../shared/verify-identity.ts';
import { openStore } from '../shared/sqlite-store.ts';
import { usersOpenApi } from './users-openapi.ts';
import { seedUsers } from './seed.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    favorite_movie_ids TEXT NOT NULL DEFAULT '[]'
  );`;
const RECORD = `json_object('id', CAST(id AS TEXT), 'name', name, 'email', email, 'favoriteMovieIds', json(favorite_movie_ids))`;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_PAGE = 1000;
const MAX_FAVORITES = 500;

interface UserRow {
  id: number;
  name: string;
  email: string;
  favorite_movie_ids: string;
}

export interface UsersServiceOptions {
  /** Directory that keeps the store across restarts; omitted: in memory, fresh seed. */
  dataPath?: string | undefined;
  /** Verify the gateway's signed identity (its services.users.signIdentity), refusing identity without it. */
  identity?: Omit<IdentityVerification, 'service'> | undefined;
}

export function createUsersService(options: UsersServiceOptions = {}) {
  const db: DatabaseSync = openStore({ name: 'users', dataPath: options.dataPath, schemaSql: SCHEMA, seed: seedUsers });
  const table = createRecordTable<UserRow>(db, 'users', RECORD, 'user');
  const q = {
    emailTaken: db.prepare('SELECT id FROM users WHERE email = ? AND id != ?'),
    insert: db.prepare('INSERT INTO users (name, email, favorite_movie_ids) VALUES (?, ?, ?) RETURNING id'),
    update: db.prepare('UPDATE users SET name = ?, email = ?, favorite_movie_ids = ? WHERE id = ?'),
  };
  const { json, rowOf } = table;
  const assertEmailFree = (email: string, id: number): void => {
    if (q.emailTaken.get(email, id)) throw new ServiceError(409, 'CONFLICT', `email: ${email} is already in use`, 'email');
  };
  const save = (row: UserRow, favorites: string[]): Reply => {
    q.update.run(row.name, row.email, JSON.stringify(favorites), row.id);
    return { body: json(row.id) };
  };

  function list(ctx: RequestContext): Reply {
    const ids = idsParam(ctx.query, MAX_PAGE);
    if (ids) {
      ctx.statsKey = 'GET /users?ids';
      return { body: table.batch(ids) };
    }
    const page = table.page(intParam(ctx.query, 'limit', 20, MAX_PAGE), intParam(ctx.query, 'offset', 0, Number.MAX_SAFE_INTEGER));
    return { body: page.json, headers: { 'x-total-count': String(page.total) } };
  }

  function create(ctx: RequestContext): Reply {
    const body = requireObject(ctx.body);
    rejectUnknownFields(body, ['name', 'email', 'favoriteMovieIds']);
    const name = stringField(body, 'name', { maxLength: 200 });
    const email = stringField(body, 'email', { maxLength: 320, pattern: EMAIL, hint: 'expected an email address' }).toLowerCase();
    const favorites = body.favoriteMovieIds === undefined ? [] : idListField(body, 'favoriteMovieIds', MAX_FAVORITES);
    assertEmailFree(email, 0);
    const { id } = q.insert.get(name, email, JSON.stringify(favorites)) as { id: number };
    return { status: 201, body: json(id), headers: { location: `/users/${id}` } };
  }

  function update(ctx: RequestContext): Reply {
    const row = rowOf(ctx.params.id as string);
    const body = requireObject(ctx.body);
    rejectUnknownFields(body, ['name', 'email', 'favoriteMovieIds']);
    if (body.name !== undefined) row.name = stringField(body, 'name', { maxLength: 200 });
    if (body.email !== undefined) {
      row.email = stringField(body, 'email', { maxLength: 320, pattern: EMAIL, hint: 'expected an email address' }).toLowerCase();
      assertEmailFree(row.email, row.id);
    }
    const favorites = body.favoriteMovieIds === undefined
      ? (JSON.parse(row.favorite_movie_ids) as string[])
      : idListField(body, 'favoriteMovieIds', MAX_FAVORITES);
    return save(row, favorites);
  }

  function setFavorite(add: boolean) {
    return (ctx: RequestContext): Reply => {
      const row = rowOf(ctx.params.id as string);
      const movieId = ctx.params.movieId as string;
      if (parseId(movieId) === undefined) throw new ServiceError(400, 'BAD_REQUEST', `movieId: expected an id such as "7", got "${movieId.slice(0, 40)}"`, 'movieId');
      const favorites = (JSON.parse(row.favorite_movie_ids) as string[]).filter((id) => id !== movieId);
      if (add) {
        if (favorites.length >= MAX_FAVORITES) throw new ServiceError(400, 'BAD_REQUEST', `favoriteMovieIds: at most ${MAX_FAVORITES} ids`, 'favoriteMovieIds');
        favorites.push(movieId);
      }
      return save(row, favorites);
    };
  }

  const routes: Route[] = [
    { method: 'GET', pattern: '/users', handler: list },
    { method: 'POST', pattern: '/users', handler: create },
    { method: 'GET', pattern: '/users/:id', handler: (ctx) => ({ body: json(rowOf(ctx.params.id as string).id) }) },
    { method: 'PATCH', pattern: '/users/:id', handler: update },
    { method: 'DELETE', pattern: '/users/:id', handler: (ctx) => ({ body: table.remove(ctx.params.id as string) }) },
    // PUT and DELETE on the favorite itself: both idempotent, so a retried call does no harm.
    { method: 'PUT', pattern: '/users/:id/favorites/:movieId', handler: setFavorite(true) },
    { method: 'DELETE', pattern: '/users/:id/favorites/:movieId', handler: setFavorite(false) },
  ];
  // A user's record holds their email: only the caller's own cache may keep it.
  const server = createHttpService({ name: 'users', routes, verifyIdentity: options.identity && identityVerifier({ ...options.identity, service: 'users' }), openapi: usersOpenApi, cacheControl: 'private, max-age=5' });
  server.on('close', () => db.close());
  return server;
}
