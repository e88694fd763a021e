// GraphQL benchmark: this gateway against the peers of ../shared/peers (the hand-written Yoga + DataLoader
// baseline, Hive Gateway + Mesh, Tailcall), on the same upstream services in the same run, with wrk on
// loopback. Prints requests per second, p50 and p99 latency, REST calls per query and peak RSS for each,
// and their ratios to the baseline; the gateway again with its limits off and with cache and coalescing
// on (separate rows: every connection sends the same query); two more scenarios, jittered upstream
// latency and users → reviews → movie; then the latency of answers while a service's breaker is open.
//   npm run bench -- [--seconds 10] [--rounds 3] [--connections 50] [--upstreams peers|project]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGateway, PRODUCTION_ENV } from './lib/build.ts';
import { peakRssMb, runBench, start, startPeerServices, type Started } from './lib/processes.ts';
import { benchOptions } from './lib/options.ts';
import { fmt, median } from './lib/stats.ts';
import { assertWrk, runWrk, type WrkResult } from './lib/wrk.ts';
import { profileFlags, stopAndSummarize } from './lib/profile-summary.ts';
import { ENCODINGS } from '../src/http/compression.ts';
import { createUserReviewsService } from '../test/fixtures/user-reviews/user-reviews-service.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PEERS = resolve(ROOT, '../shared/peers');
const QUERY = '{ users(limit: 50) { id name favoriteMovies { id title director { id name } } } }';
const BODY = JSON.stringify({ query: QUERY });
const REVIEWS_QUERY = '{ users(limit: 20) { id reviews { rating movie { title } } } }';

const { seconds, warmup, rounds, connections, port, profile, extra } = benchOptions({ warmup: 3, port: 4200 }, { upstreams: 'peers' });
const node = process.execPath;

interface Target {
  name: string;
  server: Started;
  runs: WrkResult[];
  calls: number[];
}

async function restCalls(usersUrl: string, moviesUrl: string): Promise<number> {
  const totals = await Promise.all([usersUrl, moviesUrl].map(async (u) => ((await (await fetch(`${u}/__stats`)).json()) as { total: number }).total));
  return totals[0]! + totals[1]!;
}
const resetCalls = (usersUrl: string, moviesUrl: string): Promise<unknown> =>
  Promise.all([usersUrl, moviesUrl].map((u) => fetch(`${u}/__stats/reset`, { method: 'POST' })));

async function checkAnswers(t: Started, query = BODY, users = 50): Promise<void> {
  const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query });
  const body = (await res.json()) as { data?: { users?: unknown[] }; errors?: unknown };
  if (body.errors || body.data?.users?.length !== users) throw new Error(`${t.name} answers the query wrongly: ${JSON.stringify(body).slice(0, 300)}`);
}


async function measureBreakerOpen(usersUrl: string, work: string): Promise<WrkResult[]> {
  // Answers while the movies breaker is open: a second gateway whose movies instance always fails.
  const failing = createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"down"}}');
  });
  await new Promise<void>((r) => failing.listen(port + 3, '127.0.0.1', r));
  const configFile = join(work, 'breaker.config.json');
  writeFileSync(configFile, JSON.stringify({
    services: {
      users: { urls: [usersUrl], schema: join(ROOT, 'schema/users.graphql') },
      movies: { urls: [`http://127.0.0.1:${port + 3}`], schema: join(ROOT, 'schema/movies.graphql'), retry: { retries: 0 }, breaker: { resetTimeout: '10m' } },
    },
  }));
  const broken = await start('gateway (movies breaker open)', node, [...buildGateway(ROOT), '--config', configFile], `http://127.0.0.1:${port + 13}`, { ...PRODUCTION_ENV, PORT: String(port + 13) }, '/healthz');
  const moviesBody = JSON.stringify({ query: '{ movies(limit: 1) { id } }' });
  const breakerState = async (): Promise<string> =>
    ((await (await fetch(`${broken.url}/healthz`)).json()) as { services: { movies: Array<{ breaker: string }> } }).services.movies[0]!.breaker;
  for (let i = 0; i < 50 && (await breakerState()) !== 'open'; i++) {
    await fetch(`${broken.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: moviesBody });
  }
  if ((await breakerState()) !== 'open') throw new Error('the movies breaker did not open');
  const open: WrkResult[] = [];
  for (const c of [1, 10, connections]) open.push(await runWrk({ url: `${broken.url}/graphql`, seconds: Math.min(seconds, 5), connections: c, method: 'POST', body: moviesBody }));
  failing.close();
  broken.child.kill('SIGTERM');
  return open;
}

async function main(): Promise<void> {
  assertWrk();
  if (!existsSync(PEERS)) throw new Error(`the peers are not at ${PEERS}`);
  const work = join(ROOT, 'bench/.work');
  mkdirSync(work, { recursive: true });

  // Upstreams: the peers' reference services (cheap, in-memory) or this project's example services.
  const usersUrl = `http://127.0.0.1:${port + 1}`;
  const moviesUrl = `http://127.0.0.1:${port + 2}`;
  if (extra.upstreams === 'project') {
    await start('users', node, [join(ROOT, 'subgraphs/users/main.ts'), '--port', String(port + 1)], usersUrl, {}, '/healthz');
    await start('movies', node, [join(ROOT, 'subgraphs/movies/main.ts'), '--port', String(port + 2)], moviesUrl, {}, '/healthz');
  } else {
    await startPeerServices(PEERS, port);
  }
  const upstreamEnv = { USER_SERVICE_URL: usersUrl, MOVIE_SERVICE_URL: moviesUrl, ...PRODUCTION_ENV };

  // The baseline runs from a copy beside this project, so that it finds its packages in our node_modules.
  cpSync(join(PEERS, 'baseline-graphql'), join(work, 'baseline-graphql'), { recursive: true });
  const baseline = await start('baseline', node, [join(work, 'baseline-graphql/server.mjs')], `http://127.0.0.1:${port + 11}`, { ...upstreamEnv, PORT: String(port + 11) }, '/graphql?query=%7B__typename%7D');
  const profileDir = join(work, 'profiles/graphql');
  const gateway = await start('gateway', node, [...(profile ? profileFlags(profileDir) : []), ...buildGateway(ROOT)], `http://127.0.0.1:${port + 12}`, { ...upstreamEnv, PORT: String(port + 12) }, '/healthz');
  const configFile = (name: string, config: unknown): string => {
    const file = join(work, `${name}.config.json`);
    writeFileSync(file, JSON.stringify(config));
    return file;
  };
  const noLimits = await start('gateway (limits off)', node, [...buildGateway(ROOT), '--config', configFile('no-limits', { graphql: { limits: { enabled: false } } })], `http://127.0.0.1:${port + 14}`, { ...upstreamEnv, PORT: String(port + 14) }, '/healthz');
  const general = await start('gateway (compile off: graphql-jit only)', node, [...buildGateway(ROOT), '--config', configFile('general', { graphql: { compile: false } })], `http://127.0.0.1:${port + 19}`, { ...upstreamEnv, PORT: String(port + 19) }, '/healthz');
  // Two workers on these 2 cores (which the services and wrk share): RSS is the primary's alone.
  const twoWorkers = await start('gateway (2 workers)', node, buildGateway(ROOT), `http://127.0.0.1:${port + 27}`, { ...upstreamEnv, PORT: String(port + 27), WORKERS: '2' }, '/healthz');
  const cached = { cache: { enabled: true, coalesce: true } };
  const withCache = await start('gateway (cache and coalescing on)', node, [...buildGateway(ROOT), '--config', configFile('cache', { services: {
    users: { urls: [usersUrl], schema: join(ROOT, 'schema/users.graphql'), maxBatchSize: 1000, ...cached },
    movies: { urls: [moviesUrl], schema: join(ROOT, 'schema/movies.graphql'), maxBatchSize: 1000, ...cached },
  } })], `http://127.0.0.1:${port + 15}`, { ...PRODUCTION_ENV, PORT: String(port + 15) }, '/healthz');
  const peers = await startPeers(upstreamEnv);
  // The ceiling: not a gateway, the bench query's 3 calls and a hand-built answer: what one process can do.
  cpSync(join(PEERS, 'ceiling'), join(work, 'ceiling'), { recursive: true });
  const ceiling = await start('ceiling (the bench query by hand, no GraphQL)', node, [join(work, 'ceiling/server.mjs')], `http://127.0.0.1:${port + 18}`, { ...upstreamEnv, PORT: String(port + 18) }, '/');

  const open = await measureBreakerOpen(usersUrl, work);
  const headline = await runScenario('headline', [baseline, ceiling, ...peers, gateway, twoWorkers, general, noLimits, withCache], BODY, () => restCalls(usersUrl, moviesUrl), () => resetCalls(usersUrl, moviesUrl));
  // The gateway's profile covers its warm-up and rounds of the headline scenario.
  const profiled = profile ? await stopAndSummarize(gateway.child, profileDir) : undefined;

  // Compression: the same query, the client accepting each encoding in turn (rounds alternate the order);
  // not with --profile, which has stopped the gateway to write its profile.
  const encodings = profile ? [] : ['', 'gzip', 'br', ...(ENCODINGS.includes('zstd') ? ['zstd'] : [])];
  const compressed = new Map<string, WrkResult[]>(encodings.map((e) => [e, []]));
  for (let r = 0; r < rounds; r++) {
    for (const e of r % 2 ? [...encodings].reverse() : encodings) compressed.get(e)!.push(await runWrk({ url: `${gateway.url}/graphql`, seconds, connections, method: 'POST', body: BODY, acceptEncoding: e }));
  }

  // Jittered latency: every upstream answer 0-20 ms late, in a different order each time.
  const jitterUsers = await jitterProxy(usersUrl, port + 5);
  const jitterMovies = await jitterProxy(moviesUrl, port + 6);
  const jitterEnv = { ...PRODUCTION_ENV, USER_SERVICE_URL: jitterUsers, MOVIE_SERVICE_URL: jitterMovies };
  const baselineJ = await start('baseline, jittered upstreams', node, [join(work, 'baseline-graphql/server.mjs')], `http://127.0.0.1:${port + 21}`, { ...jitterEnv, PORT: String(port + 21) }, '/graphql?query=%7B__typename%7D');
  const gatewayJ = await start('gateway, jittered upstreams', node, buildGateway(ROOT), `http://127.0.0.1:${port + 22}`, { ...jitterEnv, PORT: String(port + 22) }, '/healthz');
  const jitter = await runScenario('jitter', [baselineJ, gatewayJ], BODY, () => restCalls(usersUrl, moviesUrl), () => resetCalls(usersUrl, moviesUrl));

  // users → reviews → movie: the reviews service has no batch endpoint per user, and answers with jitter.
  const reviews = createUserReviewsService((userId, call) => (userId * 7 + call * 13) % 21);
  await new Promise<void>((r) => reviews.listen(port + 7, '127.0.0.1', r));
  const gatewayR = await start('gateway, users → reviews → movie', node, [...buildGateway(ROOT), '--config', configFile('reviews', { services: {
    users: { urls: [usersUrl], schema: join(ROOT, 'schema/users.graphql'), maxBatchSize: 1000 },
    movies: { urls: [moviesUrl], schema: join(ROOT, 'schema/movies.graphql'), maxBatchSize: 1000 },
    reviews: { urls: [`http://127.0.0.1:${port + 7}`], schema: join(ROOT, 'test/fixtures/user-reviews/user-reviews.graphql') },
  } })], `http://127.0.0.1:${port + 23}`, { ...PRODUCTION_ENV, PORT: String(port + 23) }, '/healthz');
  const reviewsBody = JSON.stringify({ query: REVIEWS_QUERY });
  const shape = await runScenario('reviews', [gatewayR], reviewsBody, async () => (await restCalls(usersUrl, moviesUrl)) + reviews.calls.length, async () => {
    reviews.calls.length = 0;
    await resetCalls(usersUrl, moviesUrl);
  }, 20);
  reviews.closeAllConnections();
  reviews.close();
  for (const proxy of proxies) {
    proxy.closeAllConnections();
    proxy.close();
  }

  const lines = [
    `GraphQL: ${QUERY}`,
    `wrk -t2 -c${connections}, ${rounds} x ${seconds}s (medians), upstreams: ${extra.upstreams}; node ${process.version}; ${new Date().toISOString()}`,
    '',
    ...table(headline, 'baseline'),
    '',
    `This gateway against the ceiling: ${fmt(headline[gateway.name]!.rps / headline[ceiling.name]!.rps, 2)}× its throughput, ${fmt(headline[gateway.name]!.p99 / headline[ceiling.name]!.p99, 2)}× its p99.`,
    `What the limits and the cost estimate cost: ${fmt((1 - headline[gateway.name]!.rps / headline[noLimits.name]!.rps) * 100, 1)} % of throughput (target under 3 %; a negative figure is the rounds' noise). Cache and coalescing stay off in every other row: each wrk connection sends the same query, which flatters them.`,
    `Two workers: ${fmt(headline[twoWorkers.name]!.rps / headline[gateway.name]!.rps, 2)}× one worker's throughput (on 2 cores shared with the services and wrk).`,
    'What metrics, tracing and logs cost: npm run bench:operations (measured in pairs on one core).',
    '',
    'What compression costs and saves (the gateway above, the client sending Accept-Encoding):',
    '',
    '| Accept-Encoding | req/s | p50 ms | p99 ms | bytes per answer |',
    '|---|---:|---:|---:|---:|',
    ...encodings.map((e) => {
      const runs = compressed.get(e)!;
      return `| ${e || '(none)'} | ${fmt(median(runs.map((x) => x.rps)))} | ${fmt(median(runs.map((x) => x.p50Ms)), 2)} | ${fmt(median(runs.map((x) => x.p99Ms)), 2)} | ${fmt(median(runs.map((x) => x.bytes / Math.max(1, x.requests))))} |`;
    }),
    '',
    'The same query with every upstream answer delayed 0-20 ms (jittered, so answers of one level arrive in different ticks):',
    '',
    ...table(jitter, 'baseline, jittered upstreams'),
    '',
    `users → reviews → movie: ${REVIEWS_QUERY} (reviews: one call per user, no batch endpoint, answers 0-20 ms late; the minimum is 1 + 20 + 1 = 22 calls):`,
    '',
    ...table(shape, undefined),
    '',
    'Answers while the movies breaker is open ({ movies(limit: 1) { id } } → SERVICE_UNAVAILABLE, no upstream call):',
    '',
    '| connections | req/s | p50 ms | p99 ms |',
    '|---:|---:|---:|---:|',
    ...[1, 10, connections].map((c, i) => `| ${c} | ${fmt(open[i]!.rps)} | ${fmt(open[i]!.p50Ms, 2)} | ${fmt(open[i]!.p99Ms, 2)} |`),
  ];
  if (profiled) lines.push('', `The gateway's CPU profile over the headline scenario (--profile):`, '', profiled);
  console.log(lines.join('\n'));
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/graphql-${Date.now()}.json`), JSON.stringify({ headline, jitter, reviews: shape, breakerOpen: open }, null, 2));
}

interface Row {
  rps: number;
  p50: number;
  p99: number;
  calls: number;
  rss: number;
  errors: number;
}

/** Warm-up, then rounds in alternating order; medians per target, with REST calls per query. */
async function runScenario(name: string, servers: Started[], body: string, calls: () => Promise<number>, reset: () => Promise<unknown>, expectUsers = 50): Promise<Record<string, Row>> {
  const targets: Target[] = servers.map((server) => ({ name: server.name, server, runs: [], calls: [] }));
  for (const t of targets) await checkAnswers(t.server, body, expectUsers);
  console.error(`bench ${name}: warm-up ${warmup}s per target, then ${rounds} rounds of ${seconds}s, ${connections} connections`);
  for (const t of targets) await runWrk({ url: `${t.server.url}/graphql`, seconds: warmup, connections, method: 'POST', body });
  for (let r = 0; r < rounds; r++) {
    for (const t of r % 2 ? [...targets].reverse() : targets) {
      await reset();
      const result = await runWrk({ url: `${t.server.url}/graphql`, seconds, connections, method: 'POST', body });
      t.runs.push(result);
      t.calls.push((await calls()) / Math.max(1, result.requests));
      console.error(`bench ${name}: round ${r + 1} ${t.name}: ${fmt(result.rps)} req/s, p50 ${fmt(result.p50Ms, 2)} ms, p99 ${fmt(result.p99Ms, 2)} ms, errors ${result.errors}`);
    }
  }
  // Calls per query from requests sent one at a time: under wrk, the calls of the requests still in
  // flight when a round ends are counted and those requests are not.
  for (const t of targets) {
    await settled(t.server);
    await reset();
    for (let i = 0; i < 10; i++) await fetch(`${t.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.arrayBuffer());
    t.calls = [(await calls()) / 10];
  }
  return Object.fromEntries(targets.map((t) => [t.name, {
    rps: median(t.runs.map((r) => r.rps)),
    p50: median(t.runs.map((r) => r.p50Ms)),
    p99: median(t.runs.map((r) => r.p99Ms)),
    calls: median(t.calls),
    rss: peakRssMb(t.server.child),
    errors: t.runs.reduce((n, r) => n + r.errors, 0),
  }]));
}

/** Until a gateway of ours has no call in flight (the last round's requests are done); peers just get a second. */
async function settled(server: Started): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const health = await fetch(`${server.url}/healthz`).then((r) => (r.ok ? (r.json() as Promise<{ services?: Record<string, Array<{ pending: number }>> }>) : undefined), () => undefined);
    if (!health?.services) return void (await new Promise((r) => setTimeout(r, 1000)));
    if (Object.values(health.services).flat().every((i) => i.pending === 0)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function table(rows: Record<string, Row>, baselineName: string | undefined): string[] {
  const base = baselineName ? rows[baselineName] : undefined;
  const ratio = (a: number, b: number | undefined): string => (b ? ` (${fmt(a / b, 2)}×)` : '');
  return [
    '| via | req/s | p50 ms | p99 ms | REST calls/query | peak RSS MB | errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...Object.entries(rows).map(([name, r]) => `| ${name} | ${fmt(r.rps)}${name === baselineName ? '' : ratio(r.rps, base?.rps)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)}${name === baselineName ? '' : ratio(r.p99, base?.p99)} | ${fmt(r.calls, 2)} | ${fmt(r.rss)} | ${r.errors} |`),
  ];
}

/** Hive Gateway + Mesh and Tailcall from ../shared/peers, installed once into bench/.work/peers; a peer that will not install or start is left out, and said so. */
async function startPeers(env: Record<string, string>): Promise<Started[]> {
  const peers = join(ROOT, 'bench/.work/peers');
  if (!existsSync(join(peers, 'package.json'))) cpSync(PEERS, peers, { recursive: true });
  const started: Started[] = [];
  try {
    if (!existsSync(join(peers, 'hive/node_modules/.bin/hive-gateway'))) {
      console.error('bench: installing Hive Gateway + Mesh (once, about 530 MB)');
      if (spawnSync('npm', ['install', '--prefix', 'hive', '--no-audit', '--no-fund'], { cwd: peers, stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) throw new Error('npm install failed');
    }
    const hive = join(peers, 'hive');
    if (spawnSync(join(hive, 'node_modules/.bin/mesh-compose'), ['-o', 'supergraph.graphql'], { cwd: hive, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) throw new Error('mesh-compose failed');
    started.push(await start('Hive Gateway + Mesh', join(hive, 'node_modules/.bin/hive-gateway'), ['supergraph', join(hive, 'supergraph.graphql'), '--host', '127.0.0.1', '--port', String(port + 16), '--fork', '1'], `http://127.0.0.1:${port + 16}`, env, '/healthcheck'));
  } catch (err) {
    console.error(`bench: Hive Gateway left out: ${(err as Error).message}`);
  }
  try {
    if (spawnSync('bash', [join(peers, 'tailcall/setup.sh')], { stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) throw new Error('tailcall/setup.sh failed');
    started.push(await start('Tailcall 1.6 (Rust)', 'bash', [join(peers, 'tailcall/start.sh')], `http://127.0.0.1:${port + 17}`, { ...env, PORT: String(port + 17) }, '/graphql?query=%7B__typename%7D'));
  } catch (err) {
    console.error(`bench: Tailcall left out: ${(err as Error).message}`);
  }
  return started;
}

const proxies: Server[] = [];

/** A proxy that holds each answer 0-20 ms (a fixed pseudo-random sequence), so a level's answers arrive apart. */
async function jitterProxy(target: string, listenPort: number): Promise<string> {
  let n = 0;
  const server = createServer((req, res) => {
    const delay = (n++ * 7919) % 21;
    fetch(`${target}${req.url ?? ''}`).then(async (r) => {
      const text = await r.text();
      setTimeout(() => {
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
        res.end(text);
      }, delay);
    }, () => req.socket.destroy());
  });
  server.keepAliveTimeout = 65_000;
  proxies.push(server);
  await new Promise<void>((r) => server.listen(listenPort, '127.0.0.1', r));
  return `http://127.0.0.1:${listenPort}`;
}

runBench('bench', main);
