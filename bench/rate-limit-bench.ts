// What rate limiting costs: this gateway's throughput on a small query (and on a passthrough GET) with
// the limits off, on with the in-memory store, and on with a Redis store (a local redis-server), in one
// run with wrk on loopback. Requests are spread over many client addresses (X-Forwarded-For from a trusted loopback
// proxy), each well within its budget, so every request pays for a check and none is refused.
//   npm run bench:rate-limit -- [--seconds 10] [--rounds 3] [--connections 50] [--clients 5000]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGateway, PRODUCTION_ENV } from './lib/build.ts';
import { benchOptions } from './lib/options.ts';
import { peakRssMb, runBench, start, startPeerServices, type Started } from './lib/processes.ts';
import { fmt, median } from './lib/stats.ts';
import { assertWrk, runWrk, type WrkResult } from './lib/wrk.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PEERS = resolve(ROOT, '../shared/peers');
const QUERY = '{ movies(limit: 1) { id title } }';
const BODY = JSON.stringify({ query: QUERY });

const { seconds, warmup, rounds, connections, port, extra } = benchOptions({ warmup: 2, port: 4400 }, { clients: '5000' });
const clients = Math.max(1, Math.min(1_000_000, Number(extra.clients)));
const node = process.execPath;

async function main(): Promise<void> {
  assertWrk();
  if (spawnSync('redis-server', ['--version']).error) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
  const { usersUrl, moviesUrl } = await startPeerServices(PEERS, port);
  const redis = spawn('redis-server', ['--port', String(port + 3), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  process.on('exit', () => redis.kill('SIGKILL'));

  const args = buildGateway(ROOT);
  // Budgets far above what one of the many clients sends in a window: every request is checked, none refused.
  const limits = { RATE_LIMIT_ENABLED: 'true', TRUSTED_PROXIES: '127.0.0.1' };
  const env = { ...PRODUCTION_ENV, USER_SERVICE_URL: usersUrl, MOVIE_SERVICE_URL: moviesUrl };
  const gateway = (name: string, p: number, more: Record<string, string>): Promise<Started> =>
    start(name, node, args, `http://127.0.0.1:${p}`, { ...env, PORT: String(p), ...more }, '/healthz');
  const targets = [
    { name: 'rate limiting off', server: await gateway('off', port + 10, {}), runs: new Map<string, WrkResult[]>() },
    { name: 'on, in-memory store', server: await gateway('memory', port + 11, limits), runs: new Map<string, WrkResult[]>() },
    { name: 'on, Redis store', server: await gateway('redis', port + 12, { ...limits, REDIS_URL: `redis://127.0.0.1:${port + 3}` }), runs: new Map<string, WrkResult[]>() },
  ];
  const workloads = [
    { name: `POST /graphql ${QUERY}`, path: '/graphql', method: 'POST', body: BODY },
    { name: 'GET /users/1 (passthrough)', path: '/users/1', method: 'GET', body: '' },
  ];
  for (let i = 0; i < 100; i++) {
    const health = (await (await fetch(`${targets[2]!.server.url}/healthz`)).json()) as { rateLimit: { state?: string } };
    if (health.rateLimit.state === 'ready') break;
    if (i === 99) throw new Error('the Redis gateway did not connect');
    await new Promise((r) => setTimeout(r, 100));
  }
  const load = (t: (typeof targets)[number], w: (typeof workloads)[number], s: number) =>
    runWrk({ url: `${t.server.url}${w.path}`, seconds: s, connections, method: w.method, body: w.body, clients });

  console.error(`bench: ${clients} client addresses, warm-up ${warmup}s, ${rounds} rounds of ${seconds}s, ${connections} connections`);
  for (const w of workloads) for (const t of targets) await load(t, w, warmup);
  for (let r = 0; r < rounds; r++) {
    for (const w of workloads) {
      for (const t of r % 2 ? [...targets].reverse() : targets) {
        const result = await load(t, w, seconds);
        t.runs.set(w.name, [...(t.runs.get(w.name) ?? []), result]);
        console.error(`bench: round ${r + 1} ${w.name} ${t.name}: ${fmt(result.rps)} req/s, p99 ${fmt(result.p99Ms, 2)} ms, non-2xx/errors ${result.errors}`);
      }
    }
  }
  const lines = [`Rate limiting cost, wrk -t2 -c${connections}, ${clients} client addresses, ${rounds} x ${seconds}s (medians); node ${process.version}; ${new Date().toISOString()}`, ''];
  const results: Record<string, unknown> = {};
  for (const w of workloads) {
    const runs = (t: (typeof targets)[number]) => t.runs.get(w.name)!;
    const off = median(runs(targets[0]!).map((x) => x.rps));
    lines.push(w.name, '', '| gateway | req/s | p50 ms | p99 ms | throughput vs off | errors |', '|---|---:|---:|---:|---:|---:|');
    for (const t of targets) {
      const rps = median(runs(t).map((x) => x.rps));
      const row = { rps, p50: median(runs(t).map((x) => x.p50Ms)), p99: median(runs(t).map((x) => x.p99Ms)), errors: runs(t).reduce((n, x) => n + x.errors, 0) };
      results[`${w.name} ${t.name}`] = row;
      lines.push(`| ${t.name} | ${fmt(rps)} | ${fmt(row.p50, 2)} | ${fmt(row.p99, 2)} | ${fmt(rps / off, 2)}× (cost ${fmt((1 - rps / off) * 100, 1)} %) | ${row.errors} |`);
    }
    lines.push('');
  }
  lines.push(`Peak RSS MB: ${targets.map((t) => `${t.name} ${fmt(peakRssMb(t.server.child))}`).join(', ')}`);
  console.log(lines.join('\n'));
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/rate-limit-${Date.now()}.json`), JSON.stringify(results, null, 2));
}

runBench('bench', main);
