// GraphQL benchmark: this gateway against the hand-written Yoga + DataLoader baseline of ../shared/peers,
// on the same upstream services in the same run, with wrk on loopback. Prints requests per second, p50
// and p99 latency, REST calls per query and peak RSS for each, and their ratios; what the operation
// limits and cost estimate cost (the gateway again with graphql.limits.enabled false); then the latency
// of answers while a service's breaker is open.
//   npm run bench -- [--seconds 10] [--rounds 3] [--connections 50] [--upstreams peers|project]
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGateway, PRODUCTION_ENV } from './lib/build.ts';
import { peakRssMb, start, stopAll, type Started } from './lib/processes.ts';
import { benchOptions } from './lib/options.ts';
import { fmt, median } from './lib/stats.ts';
import { assertWrk, runWrk, type WrkResult } from './lib/wrk.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PEERS = resolve(ROOT, '../shared/peers');
const QUERY = '{ users(limit: 50) { id name favoriteMovies { id title director { id name } } } }';
const BODY = JSON.stringify({ query: QUERY });

const { seconds, warmup, rounds, connections, port, extra } = benchOptions({ warmup: 3, port: 4200 }, { upstreams: 'peers' });
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

async function checkAnswers(t: Started): Promise<void> {
  const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
  const body = (await res.json()) as { data?: { users?: unknown[] }; errors?: unknown };
  if (body.errors || body.data?.users?.length !== 50) throw new Error(`${t.name} answers the query wrongly: ${JSON.stringify(body).slice(0, 300)}`);
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
    await start('users', node, [join(PEERS, 'services/server.mjs'), 'users', String(port + 1)], usersUrl, {}, '/healthz');
    await start('movies', node, [join(PEERS, 'services/server.mjs'), 'movies', String(port + 2)], moviesUrl, {}, '/healthz');
  }
  const upstreamEnv = { USER_SERVICE_URL: usersUrl, MOVIE_SERVICE_URL: moviesUrl, ...PRODUCTION_ENV };

  // The baseline runs from a copy beside this project, so that it finds its packages in our node_modules.
  cpSync(join(PEERS, 'baseline-graphql'), join(work, 'baseline-graphql'), { recursive: true });
  const baseline = await start('baseline', node, [join(work, 'baseline-graphql/server.mjs')], `http://127.0.0.1:${port + 11}`, { ...upstreamEnv, PORT: String(port + 11) }, '/graphql?query=%7B__typename%7D');
  const gateway = await start('gateway', node, buildGateway(ROOT), `http://127.0.0.1:${port + 12}`, { ...upstreamEnv, PORT: String(port + 12) }, '/healthz');
  const noLimitsConfig = join(work, 'no-limits.config.json');
  writeFileSync(noLimitsConfig, JSON.stringify({ graphql: { limits: { enabled: false } } }));
  const noLimits = await start('gateway (limits off)', node, [...buildGateway(ROOT), '--config', noLimitsConfig], `http://127.0.0.1:${port + 14}`, { ...upstreamEnv, PORT: String(port + 14) }, '/healthz');
  const targets: Target[] = [baseline, gateway, noLimits].map((server) => ({ name: server.name, server, runs: [], calls: [] }));
  for (const t of targets) await checkAnswers(t.server);

  const open = await measureBreakerOpen(usersUrl, work);
  console.error(`bench: warm-up ${warmup}s per target, then ${rounds} rounds of ${seconds}s, ${connections} connections`);
  for (const t of targets) await runWrk({ url: `${t.server.url}/graphql`, seconds: warmup, connections, method: 'POST', body: BODY });
  for (let r = 0; r < rounds; r++) {
    for (const t of r % 2 ? [...targets].reverse() : targets) {
      await resetCalls(usersUrl, moviesUrl);
      const result = await runWrk({ url: `${t.server.url}/graphql`, seconds, connections, method: 'POST', body: BODY });
      t.runs.push(result);
      t.calls.push((await restCalls(usersUrl, moviesUrl)) / Math.max(1, result.requests));
      console.error(`bench: round ${r + 1} ${t.name}: ${fmt(result.rps)} req/s, p50 ${fmt(result.p50Ms, 2)} ms, p99 ${fmt(result.p99Ms, 2)} ms, errors ${result.errors}`);
    }
  }

  const [b, g, n] = targets as [Target, Target, Target];
  const row = (t: Target) => {
    const rps = median(t.runs.map((r) => r.rps));
    return { rps, p50: median(t.runs.map((r) => r.p50Ms)), p99: median(t.runs.map((r) => r.p99Ms)), calls: median(t.calls), rss: peakRssMb(t.server.child), errors: t.runs.reduce((n, r) => n + r.errors, 0) };
  };
  const rb = row(b);
  const rg = row(g);
  const rn = row(n);
  const lines = [
    `GraphQL: ${QUERY}`,
    `wrk -t2 -c${connections}, ${rounds} x ${seconds}s (medians), upstreams: ${extra.upstreams}; node ${process.version}; ${new Date().toISOString()}`,
    '',
    '| via | req/s | p50 ms | p99 ms | REST calls/query | peak RSS MB | errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    `| baseline (Yoga + DataLoader, hand-written) | ${fmt(rb.rps)} | ${fmt(rb.p50, 2)} | ${fmt(rb.p99, 2)} | ${fmt(rb.calls, 2)} | ${fmt(rb.rss)} | ${rb.errors} |`,
    `| this gateway | ${fmt(rg.rps)} | ${fmt(rg.p50, 2)} | ${fmt(rg.p99, 2)} | ${fmt(rg.calls, 2)} | ${fmt(rg.rss)} | ${rg.errors} |`,
    `| ratio (gateway / baseline) | ${fmt(rg.rps / rb.rps, 2)}× | ${fmt(rg.p50 / rb.p50, 2)}× | ${fmt(rg.p99 / rb.p99, 2)}× | ${fmt(rg.calls / rb.calls, 2)}× | ${fmt(rg.rss / rb.rss, 2)}× | |`,
    `| this gateway, operation limits and cost estimate off | ${fmt(rn.rps)} | ${fmt(rn.p50, 2)} | ${fmt(rn.p99, 2)} | ${fmt(rn.calls, 2)} | ${fmt(rn.rss)} | ${rn.errors} |`,
    '',
    `What the limits and the cost estimate cost: ${fmt((1 - rg.rps / rn.rps) * 100, 1)} % of throughput (gateway ${fmt(rg.rps)} vs ${fmt(rn.rps)} req/s with them off; target under 3 %; a negative figure is the rounds' noise).`,
    '',
    'Answers while the movies breaker is open ({ movies(limit: 1) { id } } → SERVICE_UNAVAILABLE, no upstream call):',
    '',
    '| connections | req/s | p50 ms | p99 ms |',
    '|---:|---:|---:|---:|',
    ...[1, 10, connections].map((c, i) => `| ${c} | ${fmt(open[i]!.rps)} | ${fmt(open[i]!.p50Ms, 2)} | ${fmt(open[i]!.p99Ms, 2)} |`),
  ];
  console.log(lines.join('\n'));
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/graphql-${Date.now()}.json`), JSON.stringify({ baseline: rb, gateway: rg, gatewayLimitsOff: rn, breakerOpen: open }, null, 2));
}

main()
  .catch((err: unknown) => {
    console.error('bench:', err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(stopAll);
