// The movies REST service: list (optionally by director, or by several directors at once), get, batch
// get by ids, create, update, delete.
import type { DatabaseSync } from 'node:sqlite';
import { createHttpService, type RequestContext, type Reply, type Route } from '../shared/http-service.ts';
import { idField, idsParam, intField, intParam, rejectUnknownFields, requireObject, stringField } from '../shared/params.ts';
import { createRecordTable } from '../shared/record-table.ts';
import { identityVerifier, type IdentityVerification } from '../shared/verify-identity.ts';
import { openStore } from '../shared/sqlite-store.ts';
import { moviesOpenApi } from './movies-openapi.ts';
import { seedMovies } from './seed.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS movies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    year INTEGER,
    genre TEXT,
    director_id TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS movies_by_director ON movies (director_id, id);`;
const RECORD = `json_object('id', CAST(id AS TEXT), 'title', title, 'year', year, 'genre', genre, 'directorId', director_id)`;
const MAX_PAGE = 1000;
const FIELDS = ['title', 'year', 'genre', 'directorId'] as const;

interface MovieRow {
  id: number;
  title: string;
  year: number | null;
  genre: string | null;
  director_id: string;
}

export interface MoviesServiceOptions {
  /** Directory that keeps the store across restarts; omitted: in memory, fresh seed. */
  dataPath?: string | undefined;
  /** Verify the gateway's signed identity (its services.movies.signIdentity), refusing identity without it. */
  identity?: Omit<IdentityVerification, 'service'> | undefined;
}

export function createMoviesService(options: MoviesServiceOptions = {}) {
  const db: DatabaseSync = openStore({ name: 'movies', dataPath: options.dataPath, schemaSql: SCHEMA, seed: seedMovies });
  const table = createRecordTable<MovieRow>(db, 'movies', RECORD, 'movie');
  const q = {
    pageByDirector: db.prepare(`SELECT ${RECORD} AS json FROM movies WHERE director_id = ? ORDER BY id LIMIT ? OFFSET ?`),
    countByDirector: db.prepare('SELECT COUNT(*) AS n FROM movies WHERE director_id = ?'),
    byDirectors: db.prepare(`SELECT ${RECORD} AS json FROM movies WHERE director_id IN (SELECT value FROM json_each(?)) ORDER BY id`),
    insert: db.prepare('INSERT INTO movies (title, year, genre, director_id) VALUES (?, ?, ?, ?) RETURNING id'),
    update: db.prepare('UPDATE movies SET title = ?, year = ?, genre = ?, director_id = ? WHERE id = ?'),
  };
  const { json, rowOf } = table;
  /** Applies the fields present in `body` to `row`; `year` and `genre` may be set to null. */
  const apply = (row: MovieRow, body: Record<string, unknown>): void => {
    if (body.title !== undefined) row.title = stringField(body, 'title', { maxLength: 300 });
    if (body.year !== undefined) row.year = body.year === null ? null : intField(body, 'year', 1888, 2100);
    if (body.genre !== undefined) row.genre = body.genre === null ? null : stringField(body, 'genre', { maxLength: 60 });
    if (body.directorId !== undefined) row.director_id = idField(body, 'directorId');
  };

  function list(ctx: RequestContext): Reply {
    const ids = idsParam(ctx.query, MAX_PAGE);
    if (ids) {
      ctx.statsKey = 'GET /movies?ids';
      return { body: table.batch(ids) };
    }
    // Every movie of several directors at once, in id order (the gateway splits them by directorId).
    const directorIds = idsParam(ctx.query, MAX_PAGE, 'directorIds');
    if (directorIds) {
      ctx.statsKey = 'GET /movies?directorIds';
      const rows = q.byDirectors.all(JSON.stringify(directorIds)) as { json: string }[];
      return { body: `[${rows.map((r) => r.json).join(',')}]`, headers: { 'x-total-count': String(rows.length) } };
    }
    const limit = intParam(ctx.query, 'limit', 20, MAX_PAGE);
    const offset = intParam(ctx.query, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const directorId = ctx.query.get('directorId');
    if (directorId === null) {
      const page = table.page(limit, offset);
      return { body: page.json, headers: { 'x-total-count': String(page.total) } };
    }
    ctx.statsKey = 'GET /movies?directorId';
    const rows = q.pageByDirector.all(directorId, limit, offset) as { json: string }[];
    const total = (q.countByDirector.get(directorId) as { n: number }).n;
    return { body: `[${rows.map((r) => r.json).join(',')}]`, headers: { 'x-total-count': String(total) } };
  }

  function create(ctx: RequestContext): Reply {
    const body = requireObject(ctx.body);
    rejectUnknownFields(body, FIELDS);
    const row: MovieRow = { id: 0, title: '', year: null, genre: null, director_id: '' };
    // title and directorId are required on create; apply() checks their form.
    stringField(body, 'title', { maxLength: 300 });
    idField(body, 'directorId');
    apply(row, body);
    const { id } = q.insert.get(row.title, row.year, row.genre, row.director_id) as { id: number };
    return { status: 201, body: json(id), headers: { location: `/movies/${id}` } };
  }

  function update(ctx: RequestContext): Reply {
    const row = rowOf(ctx.params.id as string);
    const body = requireObject(ctx.body);
    rejectUnknownFields(body, FIELDS);
    apply(row, body);
    q.update.run(row.title, row.year, row.genre, row.director_id, row.id);
    return { body: json(row.id) };
  }

  const routes: Route[] = [
    { method: 'GET', pattern: '/movies', handler: list },
    { method: 'POST', pattern: '/movies', handler: create },
    { method: 'GET', pattern: '/movies/:id', handler: (ctx) => ({ body: json(rowOf(ctx.params.id as string).id) }) },
    { method: 'PATCH', pattern: '/movies/:id', handler: update },
    { method: 'DELETE', pattern: '/movies/:id', handler: (ctx) => ({ body: table.remove(ctx.params.id as string) }) },
  ];
  // Movies are public records: a shared cache (the gateway's, opted in per service) may keep them a few seconds.
  const server = createHttpService({ name: 'movies', routes, verifyIdentity: options.identity && identityVerifier({ ...options.identity, service: 'movies' }), openapi: moviesOpenApi, cacheControl: 'public, max-age=5' });
  server.on('close', () => db.close());
  return server;
}
