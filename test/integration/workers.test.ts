// --workers 2 on the real process: both workers serve the one port, rate limits are one budget across
// them through a real redis-server, /metrics sums every worker's counts, and SIGTERM drains them all.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMoviesService } from '../../subgraphs/movies/movies-service.ts';
import { createUsersService } from '../../subgraphs/users/users-service.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { parseMetrics, valueOf } from '../harness/prometheus.ts';
import { startRedis, type RedisServer } from '../harness/redis-server.ts';
import { ROOT, schemaFile } from '../harness/start-stack.ts';

/** One request on a connection of its own (so the cluster hands each to a worker in turn). */
function send(url: string, method: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(url, { method, agent: false, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolvePromise({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('--workers 2', () => {
  const users = createUsersService();
  const movies = createMoviesService();
  let redis: RedisServer;
  let child: ChildProcess;
  let url: string;
  const logLines: Array<Record<string, unknown>> = [];
  /** Resolves once `count` log lines that `match` accepts have been read (log lines are written asynchronously). */
  const logged = (match: (l: Record<string, unknown>) => boolean, count: number): Promise<Array<Record<string, unknown>>> =>
    new Promise((resolveLines, reject) => {
      const check = (): boolean => {
        const found = logLines.filter(match);
        if (found.length < count) return false;
        resolveLines(found);
        return true;
      };
      if (check()) return;
      const onLine = (): void => {
        if (check()) lineEvents.off('line', onLine);
      };
      lineEvents.on('line', onLine);
      child.once('close', () => reject(new Error(`the gateway closed with ${logLines.filter(match).length} of ${count} lines`)));
    });
  const lineEvents = new EventEmitter();

  beforeAll(async () => {
    redis = await startRedis();
    const dir = mkdtempSync(join(tmpdir(), 'gateway-workers-'));
    const file = join(dir, 'gateway.config.json');
    writeFileSync(file, JSON.stringify({
      port: 0,
      logLevel: 'info',
      logFormat: 'json',
      drainDelay: '0ms',
      rateLimit: { redisUrl: redis.url, operation: { anonymous: { max: 4, window: '1m' } } },
      services: { users: { urls: [await listen(users)], schema: schemaFile('users') }, movies: { urls: [await listen(movies)], schema: schemaFile('movies') } },
    }));
    child = spawn(process.execPath, [resolve(ROOT, 'src/main.ts'), '--config', file, '--workers', '2'], { cwd: dir, env: { ...process.env, NODE_ENV: 'development' }, stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      logLines.push(JSON.parse(line) as Record<string, unknown>);
      lineEvents.emit('line');
    });
    const started = await new Promise<string>((resolveLine, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => line.startsWith('gateway on ') && resolveLine(line));
      child.once('exit', (code) => reject(new Error(`the gateway exited with ${code}`)));
    });
    expect(started).toContain('2 workers');
    url = /^gateway on (http:\/\/\S+)/.exec(started)![1]!;
  });
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await redis.stop();
    await closeServer(users);
    await closeServer(movies);
  });

  it('serves from both workers, with one rate-limit budget across them (Redis) and /metrics summed over both', async () => {
    // Each worker's Redis connection is up (until then a worker limits on its own: onStoreDown "local").
    await logged((l) => l.message === 'rate-limit store connected', 2);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await send(`${url}/graphql`, 'POST', JSON.stringify({ query: '{ __typename }' }))).status);
    // A budget of 4 in all, not 4 per worker.
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    const text = (await send(`${url}/metrics`, 'GET')).body;
    const metrics = parseMetrics(text);
    expect(valueOf(metrics, 'gateway_http_requests_total', { handler: 'graphql' })).toBe(6);
    expect(valueOf(metrics, 'gateway_rate_limit_refusals_total', { limit: 'graphql' })).toBe(2);
    const requests = await logged((l) => l.message === 'request' && l.path === '/graphql', 6);
    expect(new Set(requests.map((l) => l.pid)).size).toBe(2);
  });

  it('SIGTERM drains every worker and the primary exits 0', async () => {
    const closed = once(child, 'close'); // exited, and its output all read
    child.kill('SIGTERM');
    const [code] = (await closed) as [number | null];
    expect(code).toBe(0);
    const stopped = new Set(logLines.filter((l) => l.message === 'stopped').map((l) => l.pid));
    expect(stopped.size).toBe(2); // the output is all read once the process has closed
  });
});
