// GraphQL services bench: what joining a service that speaks GraphQL costs. The example users and movies
// services and the ratings GraphQL service of test/fixtures run as their own processes; wrk on loopback.
// Rows: a REST-only query on a gateway without the ratings service and on one with it (what having a
// GraphQL service configured costs the queries that do not touch it), the query that joins ratings into
// the movies (Movie.rating, one batched lookup per level) on the gateway, and the same answer from a
// hand-coded server making the same three calls (the ceiling). Prints req/s, p50, p99, calls per query
// (REST calls and GraphQL requests, counted at the services) and the ratios.
//   npm run bench:graphql-services -- [--seconds 10] [--rounds 3] [--connections 50] [--profile]
// --profile: the gateway with the ratings service runs with --cpu-prof; its profile's summary ends the run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGateway, PRODUCTION_ENV } from './lib/build.ts';
import { benchOptions } from './lib/options.ts';
import { runBench, start, type Started } from './lib/processes.ts';
import { profileFlags, stopAndSummarize } from './lib/profile-summary.ts';
import { fmt, median } from './lib/stats.ts';
import { assertWrk, runWrk, type WrkResult } from './lib/wrk.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REST_QUERY = '{ movies(limit: 20) { id title director { name } } }';
const JOINED_QUERY = '{ movies(limit: 20) { id title rating director { name } } }';
const { seconds, warmup, rounds, connections, port, profile } = benchOptions({ warmup: 3, port: 4500 });
const node = process.execPath;

interface Row {
  name: string;
  server: Started;
  body: string;
  runs: WrkResult[];
  calls: number;
}

async function main(): Promise<void> {
  assertWrk();
  const work = join(ROOT, 'bench/.work');
  mkdirSync(work, { recursive: true });
  const url = (offset: number): string => `http://127.0.0.1:${port + offset}`;
  const services = [url(1), url(2), url(3)];
  await start('users', node, [join(ROOT, 'subgraphs/users/main.ts'), '--port', String(port + 1)], url(1), {}, '/healthz');
  await start('movies', node, [join(ROOT, 'subgraphs/movies/main.ts'), '--port', String(port + 2)], url(2), {}, '/healthz');
  await start('ratings (GraphQL, graphql-yoga)', node, [join(ROOT, 'test/fixtures/ratings-service/main.ts'), '--port', String(port + 3)], url(3), {}, '/graphql?query=%7B__typename%7D');
  const rest = { users: { urls: [url(1)], schema: join(ROOT, 'schema/users.graphql'), maxBatchSize: 1000 }, movies: { urls: [url(2)], schema: join(ROOT, 'schema/movies.graphql'), maxBatchSize: 1000 } };
  const profileDir = join(work, 'profiles/graphql-services');
  const gateway = async (name: string, offset: number, config: unknown, flags: string[] = []): Promise<Started> => {
    const file = join(work, `graphql-services-${offset}.config.json`);
    writeFileSync(file, JSON.stringify(config));
    return start(name, node, [...flags, ...buildGateway(ROOT), '--config', file], url(offset), { ...PRODUCTION_ENV, PORT: String(port + offset) }, '/healthz');
  };
  const restOnly = await gateway('gateway, REST services only', 11, { services: rest });
  const joined = await gateway('gateway, with the ratings GraphQL service', 12, {
    services: { ...rest, ratings: { graphql: { url: `${url(3)}/graphql`, schema: join(ROOT, 'test/fixtures/ratings-service/ratings.graphql') } } },
  }, profile ? profileFlags(profileDir) : []);
  const ceiling = await start('ceiling (the joined query by hand, no GraphQL)', node, [join(ROOT, 'bench/ceilings/ratings-join.ts'), String(port + 13), url(2), url(1), url(3)], url(13), {}, '/');

  const body = (query: string): string => JSON.stringify({ query });
  const rows: Row[] = [
    { name: `${restOnly.name}: REST query`, server: restOnly, body: body(REST_QUERY), runs: [], calls: 0 },
    { name: `${joined.name}: REST query`, server: joined, body: body(REST_QUERY), runs: [], calls: 0 },
    { name: `${joined.name}: joined query`, server: joined, body: body(JOINED_QUERY), runs: [], calls: 0 },
    { name: ceiling.name, server: ceiling, body: body(JOINED_QUERY), runs: [], calls: 0 },
  ];
  const post = (row: Row): Promise<any> => fetch(`${row.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: row.body }).then((r) => r.json());
  const reset = (): Promise<unknown> => Promise.all(services.map((s) => fetch(`${s}/__stats/reset`, { method: 'POST' })));
  const calls = async (): Promise<number> => (await Promise.all(services.map(async (s) => ((await (await fetch(`${s}/__stats`)).json()) as { total: number }).total))).reduce((a, b) => a + b, 0);
  // Same answers, and calls per query from requests sent one at a time.
  const expected = JSON.stringify((await post(rows[3]!)).data);
  for (const row of rows) {
    const answer = await post(row);
    if (answer.errors || !Array.isArray(answer.data?.movies) || answer.data.movies.length !== 20) throw new Error(`${row.name} answers wrongly: ${JSON.stringify(answer).slice(0, 300)}`);
    if (row.body.includes('rating') && JSON.stringify(answer.data) !== expected) throw new Error(`${row.name} answers differently from the ceiling`);
    await reset();
    for (let i = 0; i < 10; i++) await post(row);
    row.calls = (await calls()) / 10;
  }
  console.error(`bench graphql-services: warm-up ${warmup}s per row, then ${rounds} rounds of ${seconds}s, ${connections} connections`);
  for (const row of rows) await runWrk({ url: `${row.server.url}/graphql`, seconds: warmup, connections, method: 'POST', body: row.body });
  for (let r = 0; r < rounds; r++) {
    for (const row of r % 2 ? [...rows].reverse() : rows) {
      const result = await runWrk({ url: `${row.server.url}/graphql`, seconds, connections, method: 'POST', body: row.body });
      row.runs.push(result);
      console.error(`bench graphql-services: round ${r + 1} ${row.name}: ${fmt(result.rps)} req/s, p99 ${fmt(result.p99Ms, 2)} ms, errors ${result.errors}`);
    }
  }
  const m = (row: Row, k: 'rps' | 'p50Ms' | 'p99Ms'): number => median(row.runs.map((x) => x[k]));
  const [a, b, c, d] = rows as [Row, Row, Row, Row];
  console.log([
    `REST query: ${REST_QUERY}`,
    `Joined query: ${JOINED_QUERY}`,
    `wrk -t2 -c${connections}, ${rounds} x ${seconds}s (medians); node ${process.version}; ${new Date().toISOString()}`,
    '',
    '| via | req/s | p50 ms | p99 ms | calls/query | errors |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.name} | ${fmt(m(row, 'rps'))} | ${fmt(m(row, 'p50Ms'), 2)} | ${fmt(m(row, 'p99Ms'), 2)} | ${fmt(row.calls, 1)} | ${row.runs.reduce((n, x) => n + x.errors, 0)} |`),
    '',
    `A GraphQL service configured, for queries that do not touch it: ${fmt(m(b, 'rps') / m(a, 'rps'), 2)}× the throughput of the gateway without it (still compiled).`,
    `The joined query against the hand-coded ceiling: ${fmt(m(c, 'rps') / m(d, 'rps'), 2)}× its throughput, ${fmt(m(c, 'p99Ms') / m(d, 'p99Ms'), 2)}× its p99, ${fmt(c.calls, 1)} calls against its ${fmt(d.calls, 1)}.`,
    `What joining the ratings costs the gateway: ${fmt(m(c, 'rps') / m(b, 'rps'), 2)}× the throughput of the REST query (one more call, delegated).`,
  ].join('\n'));
  if (profile) console.log(`\nThe gateway's CPU profile (with the ratings service, all rows; --profile):\n\n${await stopAndSummarize(joined.child, profileDir)}`);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/graphql-services-${Date.now()}.json`), JSON.stringify(rows.map((row) => ({ name: row.name, rps: m(row, 'rps'), p50: m(row, 'p50Ms'), p99: m(row, 'p99Ms'), calls: row.calls })), null, 2));
}

runBench('bench graphql-services', main);
