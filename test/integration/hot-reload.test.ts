// Hot reload: a new configuration and SDL replace the running ones only once they are built and
// checked; a broken SDL file keeps the running schema and says file:line:col; requests in flight finish
// on what they started on; unchanged services keep their pools and breakers. In process (reload()) and
// on the real process (SIGHUP, --watch).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { createGateway, type Gateway } from '../../src/create-gateway.ts';
import { createLogger } from '../../src/logger.ts';
import { createMoviesService } from '../../subgraphs/movies/movies-service.ts';
import { createUsersService } from '../../subgraphs/users/users-service.ts';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { outputLines } from '../harness/output-lines.ts';
import { ROOT, schemaFile } from '../harness/start-stack.ts';

/** A folder with its own copy of the SDL files and a config file naming them, to edit between reloads. */
function workspace(usersUrl: string, moviesUrl: string, extra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-reload-'));
  copyFileSync(schemaFile('users'), join(dir, 'users.graphql'));
  copyFileSync(schemaFile('movies'), join(dir, 'movies.graphql'));
  const file = join(dir, 'gateway.config.json');
  const write = (movies: Record<string, unknown> = {}): void =>
    writeFileSync(file, JSON.stringify({
      port: 0,
      logFormat: 'json',
      rateLimit: { enabled: false },
      ...extra,
      services: { users: { urls: [usersUrl], schema: 'users.graphql' }, movies: { urls: [moviesUrl], schema: 'movies.graphql', ...movies } },
    }));
  write();
  const sdl = join(dir, 'movies.graphql');
  const original = readFileSync(sdl, 'utf8');
  return {
    dir,
    file,
    write,
    /** The movies SDL with a new root field, `firstMovies`. */
    addField: () => writeFileSync(sdl, original.replace('type Query {', 'type Query {\n  firstMovies: [Movie!] @rest(path: "/movies", query: { limit: "2" })')),
    /** The movies SDL with a syntax error on line 3. */
    breakIt: () => writeFileSync(sdl, original.replace(/^(.*\n.*\n)/, '$1type Broken {{\n')),
  };
}

describe('reload() in process', () => {
  const users = createUsersService();
  const movies = createMoviesService();
  let usersUrl: string;
  let moviesUrl: string;
  let slow: FaultUpstream;
  const lines: Array<Record<string, unknown>> = [];
  let gateway: Gateway;
  let url: string;
  let ws: ReturnType<typeof workspace>;

  beforeAll(async () => {
    usersUrl = await listen(users);
    moviesUrl = await listen(movies);
    slow = await startFaultUpstream({ kind: 'proxy', to: moviesUrl });
    ws = workspace(usersUrl, slow.url);
    gateway = createGateway(loadConfig({ file: ws.file, envFile: false, env: {} }), { logger: createLogger({ level: 'info', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) }) });
    url = await gateway.listen();
  });
  afterAll(async () => {
    await gateway.close();
    await slow.close();
    await closeServer(users);
    await closeServer(movies);
  });
  const reload = () => gateway.reload(loadConfig({ file: ws.file, envFile: false, env: {} }));

  it('serves a field added to an SDL file once reloaded, keeping every unchanged service\'s pools and breakers', async () => {
    expect(codesOf((await gql(url, '{ firstMovies { title } }')).body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const usersBreaker = gateway.upstream.service('users')!.instances[0]!.breaker;
    const moviesBreaker = gateway.upstream.service('movies')!.instances[0]!.breaker;
    ws.addField();
    reload();
    const { body } = await gql(url, '{ firstMovies { title } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.firstMovies).toHaveLength(2);
    // Only an SDL file changed: both services run as before, on the same instances.
    expect(gateway.upstream.service('users')!.instances[0]!.breaker).toBe(usersBreaker);
    expect(gateway.upstream.service('movies')!.instances[0]!.breaker).toBe(moviesBreaker);
    expect(lines.find((l) => l.message === 'reloaded')).toMatchObject({ services: ['users', 'movies'] });
  });

  it('a broken SDL file: the reload throws naming file:line:col, and the running schema keeps serving', async () => {
    ws.breakIt();
    expect(reload).toThrow(/movies\.graphql:3:\d+/);
    const { body } = await gql(url, '{ firstMovies { title } movie(id: "1") { title } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.movie.title).toBeTruthy();
    ws.addField();
  });

  it('a request in flight finishes on what it started on, while a changed service gets new instances', async () => {
    const before = gateway.upstream.service('movies')!.instances[0]!;
    const usersBefore = gateway.upstream.service('users')!.instances[0]!;
    slow.setMode({ kind: 'delay', ms: 300, then: { kind: 'proxy', to: moviesUrl } });
    const arrived = slow.nextRequest();
    const inFlight = gql(url, '{ movie(id: "2") { title } }');
    await arrived;
    ws.write({ timeout: '20s' }); // movies changes how it is called: new instances; users does not
    reload();
    const { body } = await inFlight;
    expect(body.errors).toBeUndefined();
    expect(body.data.movie.title).toBeTruthy();
    expect(gateway.upstream.service('movies')!.instances[0]).not.toBe(before);
    expect(gateway.upstream.service('users')!.instances[0]).toBe(usersBefore);
    slow.setMode({ kind: 'proxy', to: moviesUrl });
    expect((await gql(url, '{ movie(id: "3") { title } }')).body.errors).toBeUndefined();
  });

  it('says which changed keys need a restart', () => {
    writeFileSync(ws.file, readFileSync(ws.file, 'utf8').replace('"port":0', '"port":0,"maxHeaderBytes":"32KiB"'));
    reload();
    expect(lines.findLast((l) => l.message === 'these keys take effect on restart')).toMatchObject({ keys: ['maxHeaderBytes'] });
  });
});

describe('the real process: SIGHUP and --watch', () => {
  const users = createUsersService();
  const movies = createMoviesService();
  let usersUrl: string;
  let moviesUrl: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    usersUrl = await listen(users);
    moviesUrl = await listen(movies);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await closeServer(users);
    await closeServer(movies);
  });

  const start = async (args: string[]) => {
    const ws = workspace(usersUrl, moviesUrl, { logLevel: 'info' });
    const child = spawn(process.execPath, [resolve(ROOT, 'src/main.ts'), '--config', ws.file, ...args], { cwd: ws.dir, env: { ...process.env, NODE_ENV: 'development' }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const log = outputLines(child.stderr!);
    const started = await outputLines(child.stdout!).next((l) => l.startsWith('gateway on '));
    return { ws, child, log, url: /^gateway on (http:\/\/\S+)/.exec(started)![1]! };
  };

  it('SIGHUP reloads; a broken file is logged with file:line:col and the running schema keeps serving', async () => {
    const { ws, child, log, url } = await start([]);
    ws.addField();
    const reloaded = log.next((l) => l.includes('"message":"reloaded"'));
    child.kill('SIGHUP');
    await reloaded;
    expect((await gql(url, '{ firstMovies { title } }')).body.data.firstMovies).toHaveLength(2);
    ws.breakIt();
    const failed = log.next((l) => l.includes('"message":"reload failed: the running configuration keeps serving"'));
    child.kill('SIGHUP');
    expect(JSON.parse(await failed).error).toMatch(/movies\.graphql:3:\d+/);
    expect((await gql(url, '{ firstMovies { title } }')).body.data.firstMovies).toHaveLength(2);
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    expect((await exited)[0]).toBe(0);
  });

  it('--watch reloads when an SDL file is saved', async () => {
    const { ws, child, log, url } = await start(['--watch']);
    const reloaded = log.next((l) => l.includes('"message":"reloaded"'));
    ws.addField();
    await reloaded;
    expect((await gql(url, '{ firstMovies { title } }')).body.data.firstMovies).toHaveLength(2);
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    expect((await exited)[0]).toBe(0);
  });
});
