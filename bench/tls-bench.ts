// What TLS costs at the edge: the same build with and without config.tls, in one run, on the GraphQL
// bench query and on a passthrough read (GET /users/1), with wrk over HTTP/1.1 (plain and TLS, the same
// connections kept alive), and over HTTP/2 with h2load when it is installed (apt-get install -y
// nghttp2-client). The example users and movies services; certificates from a throwaway CA.
//   npm run bench:tls -- [--seconds 10] [--rounds 3] [--connections 50]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, setGlobalDispatcher } from 'undici';
import { makeCertificates } from '../test/harness/certificates.ts';
import { buildGateway, PRODUCTION_ENV } from './lib/build.ts';
import { hasH2load, runH2load, type H2loadResult } from './lib/h2load.ts';
import { benchOptions } from './lib/options.ts';
import { runBench, start } from './lib/processes.ts';
import { fmt, median } from './lib/stats.ts';
import { assertWrk, runWrk, type WrkResult } from './lib/wrk.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const QUERY = '{ users(limit: 50) { id name favoriteMovies { id title director { id name } } } }';
const { seconds, warmup, rounds, connections, port } = benchOptions({ warmup: 3, port: 4800 });
const node = process.execPath;

interface Scenario {
  name: string;
  path: string;
  method: 'GET' | 'POST';
  body?: string;
}

async function main(): Promise<void> {
  assertWrk();
  const work = join(ROOT, 'bench/.work');
  mkdirSync(work, { recursive: true });
  const url = (offset: number, scheme = 'http'): string => `${scheme}://127.0.0.1:${port + offset}`;
  await start('users', node, [join(ROOT, 'subgraphs/users/main.ts'), '--port', String(port + 1)], url(1), {}, '/healthz');
  await start('movies', node, [join(ROOT, 'subgraphs/movies/main.ts'), '--port', String(port + 2)], url(2), {}, '/healthz');
  const certs = makeCertificates();
  // This process's fetch (readiness checks) trusts the throwaway CA too.
  setGlobalDispatcher(new Agent({ connect: { ca: certs.ca.pem } }));
  const services = {
    users: { urls: [url(1)], schema: join(ROOT, 'schema/users.graphql'), maxBatchSize: 1000 },
    movies: { urls: [url(2)], schema: join(ROOT, 'schema/movies.graphql'), maxBatchSize: 1000 },
  };
  const config = (name: string, extra: Record<string, unknown>): string => {
    const file = join(work, `tls-${name}.config.json`);
    writeFileSync(file, JSON.stringify({ services, routes: [{ prefix: '/users', service: 'users', access: 'public' }], ...extra }));
    return file;
  };
  const plain = await start('gateway, plain HTTP', node, [...buildGateway(ROOT), '--config', config('plain', {})], url(11), { ...PRODUCTION_ENV, PORT: String(port + 11) }, '/healthz');
  const tlsEnv = { ...PRODUCTION_ENV, PORT: String(port + 12) };
  const tls = await start('gateway, TLS', node, [...buildGateway(ROOT), '--config', config('tls', { tls: { cert: certs.server.cert.file, key: certs.server.key.file } })], url(12, 'https'), tlsEnv, '/healthz');

  const scenarios: Scenario[] = [
    { name: 'GraphQL bench query', path: '/graphql', method: 'POST', body: JSON.stringify({ query: QUERY }) },
    { name: 'passthrough GET /users/1', path: '/users/1', method: 'GET' },
  ];
  const h2 = hasH2load();
  const results = new Map<string, WrkResult[]>();
  const h2results = new Map<string, H2loadResult[]>();
  const key = (s: Scenario, via: string): string => `${s.name} | ${via}`;
  console.error(`bench tls: warm-up ${warmup}s per row, then ${rounds} rounds of ${seconds}s, ${connections} connections${h2 ? '' : ' (no h2load: HTTP/2 rows left out; apt-get install -y nghttp2-client)'}`);
  for (const s of scenarios) {
    for (const target of [plain, tls]) await runWrk({ url: `${target.url}${s.path}`, seconds: warmup, connections, method: s.method, ...(s.body !== undefined && { body: s.body }) });
  }
  for (let r = 0; r < rounds; r++) {
    for (const s of scenarios) {
      const order = r % 2 ? [tls, plain] : [plain, tls];
      for (const target of order) {
        const result = await runWrk({ url: `${target.url}${s.path}`, seconds, connections, method: s.method, ...(s.body !== undefined && { body: s.body }) });
        const k = key(s, target === plain ? 'HTTP/1.1, plain' : 'HTTP/1.1, TLS');
        results.set(k, [...(results.get(k) ?? []), result]);
        console.error(`bench tls: round ${r + 1} ${k}: ${fmt(result.rps)} req/s, p99 ${fmt(result.p99Ms, 2)} ms, errors ${result.errors}`);
      }
      if (h2) {
        // 10 connections × 5 streams: the same 50 requests in flight, multiplexed.
        const result = await runH2load({ url: `${tls.url}${s.path}`, seconds, connections: 10, streams: 5, ...(s.body !== undefined && { body: s.body, headers: { 'content-type': 'application/json' } }) });
        const k = key(s, 'HTTP/2, TLS');
        h2results.set(k, [...(h2results.get(k) ?? []), result]);
        console.error(`bench tls: round ${r + 1} ${k}: ${fmt(result.rps)} req/s, mean ${fmt(result.meanMs, 2)} ms, errors ${result.errors}`);
      }
    }
  }
  const lines = [
    `wrk -t2 -c${connections} (HTTP/1.1), h2load -c10 -m5 (HTTP/2); ${rounds} x ${seconds}s (medians); node ${process.version}; ${new Date().toISOString()}`,
    '',
    '| scenario | via | req/s | p50 ms | p99 ms (HTTP/2: mean) | vs plain HTTP/1.1 | errors |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const s of scenarios) {
    const base = median(results.get(key(s, 'HTTP/1.1, plain'))!.map((x) => x.rps));
    for (const via of ['HTTP/1.1, plain', 'HTTP/1.1, TLS']) {
      const runs = results.get(key(s, via))!;
      const rps = median(runs.map((x) => x.rps));
      lines.push(`| ${s.name} | ${via} | ${fmt(rps)} | ${fmt(median(runs.map((x) => x.p50Ms)), 2)} | ${fmt(median(runs.map((x) => x.p99Ms)), 2)} | ${fmt(rps / base, 2)}× | ${runs.reduce((n, x) => n + x.errors, 0)} |`);
    }
    const h2runs = h2results.get(key(s, 'HTTP/2, TLS'));
    if (h2runs) {
      const rps = median(h2runs.map((x) => x.rps));
      lines.push(`| ${s.name} | HTTP/2, TLS | ${fmt(rps)} | | ${fmt(median(h2runs.map((x) => x.meanMs)), 2)} | ${fmt(rps / base, 2)}× | ${h2runs.reduce((n, x) => n + x.errors, 0)} |`);
    }
  }
  console.log(lines.join('\n'));
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/tls-${Date.now()}.json`), JSON.stringify({ wrk: Object.fromEntries(results), h2load: Object.fromEntries(h2results) }, null, 2));
}

runBench('bench tls', main);
