// Soak: the production build under mixed traffic for --minutes (10 by default, at most 30), with a hot
// reload (SIGHUP) and a Redis restart in the middle. Traffic: GraphQL queries, passthrough reads, requests
// refused (a forged token), a service that is down (through a route), and invalid documents. It prints
// RSS and heap every 10 s, and passes when RSS is flat after the warm-up and after the events (within
// 15 % from a quarter of the run to just before the reload, and within 5 % from 70 % of the run, after
// the reload and the restart, to the end: a reload steps RSS up once, as a second pipeline is built
// beside the first, and V8 keeps the pages), no request is lost or answered with an uncoded error, and
// the gateway's /metrics counts agree with what was sent.
//   npm run bench:soak -- [--minutes 10] [--concurrency 16]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { parseMetrics, valueOf } from '../test/harness/prometheus.ts';
import { buildGateway, PRODUCTION_ENV } from './lib/build.ts';
import { runBench, start } from './lib/processes.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '16' }, 'base-port': { type: 'string', default: '4600' } } });
const minutes = Math.min(30, Math.max(0.5, Number(values.minutes)));
const concurrency = Math.min(128, Math.max(1, Number(values.concurrency)));
const port = Number(values['base-port']);
const node = process.execPath;
const work = mkdtempSync(join(tmpdir(), 'gateway-soak-'));

/** redis-server on a unix socket that outlives its restarts (same path). */
function redis(socket: string): ChildProcess {
  return spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
}

type Kind = 'graphql' | 'passthrough' | 'refused' | 'failing' | 'invalid';
const MIX: Kind[] = ['graphql', 'graphql', 'graphql', 'graphql', 'graphql', 'passthrough', 'passthrough', 'refused', 'failing', 'invalid'];
const QUERY = JSON.stringify({ query: '{ users(limit: 10) { id name favoriteMovies { title director { name } } } }' });

async function main(): Promise<void> {
  const socket = join(work, 'redis.sock');
  let redisServer = redis(socket);
  const usersUrl = `http://127.0.0.1:${port + 1}`;
  const moviesUrl = `http://127.0.0.1:${port + 2}`;
  await start('users', node, [join(ROOT, 'subgraphs/users/main.ts'), '--port', String(port + 1), '--data', work], usersUrl, {}, '/healthz');
  await start('movies', node, [join(ROOT, 'subgraphs/movies/main.ts'), '--port', String(port + 2), '--data', work], moviesUrl, {}, '/healthz');
  // A service that is down (nothing listens on its port), behind a route: the gateway's own coded 502s.
  const failing = createServer();
  const configFile = join(work, 'gateway.config.json');
  const config = {
    port: port + 10,
    metrics: { maxOperationNames: 10 },
    // Limits through Redis, for clients spread over 1,000 addresses (X-Forwarded-For from loopback, a trusted
    // proxy): one client's racing requests are refused by design, which is not what this run measures.
    rateLimit: { redisUrl: `unix://${socket}`, trustedProxies: ['127.0.0.1'], operation: { anonymous: { max: 100_000, window: '1m' } }, routes: { anonymous: { max: 100_000, window: '1m' } } },
    services: {
      users: { urls: [usersUrl], schema: join(ROOT, 'schema/users.graphql'), maxBatchSize: 1000 },
      movies: { urls: [moviesUrl], schema: join(ROOT, 'schema/movies.graphql'), maxBatchSize: 1000 },
      flaky: { urls: [`http://127.0.0.1:${port + 3}`], retry: { retries: 0 }, breaker: { volumeThreshold: 1_000_000 } },
    },
    routes: [{ prefix: '/users', service: 'users', access: 'public' }, { prefix: '/flaky', service: 'flaky', access: 'public' }],
  };
  writeFileSync(configFile, JSON.stringify(config));
  const gateway = await start('gateway', node, [...buildGateway(ROOT), '--config', configFile], `http://127.0.0.1:${port + 10}`, { ...PRODUCTION_ENV, RATE_LIMIT_ENABLED: 'true' }, '/healthz');
  const base = gateway.url;

  const agent = new Agent({ connections: concurrency });
  const sent: Record<Kind, number> = { graphql: 0, passthrough: 0, refused: 0, failing: 0, invalid: 0 };
  const problems: string[] = [];
  let lost = 0;
  const send = async (kind: Kind): Promise<void> => {
    const opts = kind === 'passthrough' ? { path: '/users/1', method: 'GET' as const }
      : kind === 'failing' ? { path: '/flaky/x', method: 'GET' as const }
      : kind === 'refused' ? { path: '/graphql', method: 'POST' as const, body: QUERY, headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' } }
      : kind === 'invalid' ? { path: '/graphql', method: 'POST' as const, body: JSON.stringify({ query: '{ users { nope } }' }), headers: { 'content-type': 'application/json' } }
      : { path: '/graphql', method: 'POST' as const, body: QUERY, headers: { 'content-type': 'application/json' } };
    const client = `10.0.${(sent[kind] >> 8) & 3}.${sent[kind] & 255}`;
    sent[kind]++;
    try {
      const res = await request(base + opts.path, { dispatcher: agent, method: opts.method, body: opts.body, headers: { ...opts.headers, 'x-forwarded-for': client } });
      const text = await res.body.text();
      const body = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }>; error?: { code?: string }; data?: unknown };
      const codes = [...(body.errors ?? []).map((e) => e.extensions?.code), ...(res.statusCode >= 400 && body.error ? [body.error.code] : [])];
      if (codes.some((c) => !c) || (res.statusCode >= 400 && codes.length === 0)) problems.push(`${kind}: ${res.statusCode} without a code: ${text.slice(0, 200)}`);
      const expected = { graphql: [200], passthrough: [200], refused: [401], failing: [502], invalid: [200, 400] }[kind];
      if (!expected.includes(res.statusCode)) problems.push(`${kind}: unexpected ${res.statusCode}: ${text.slice(0, 200)}`);
    } catch (err) {
      lost++;
      problems.push(`${kind}: no answer (${(err as Error).message})`);
    }
  };

  const samples: Array<{ at: number; rssMb: number; heapMb: number }> = [];
  const sample = async (): Promise<void> => {
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${gateway.child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    const metrics = parseMetrics(await (await fetch(`${base}/metrics`)).text());
    const heapMb = valueOf(metrics, 'nodejs_heap_size_used_bytes') / 1024 ** 2;
    samples.push({ at: (Date.now() - started) / 1000, rssMb, heapMb });
    console.error(`soak: ${Math.round((Date.now() - started) / 1000)} s  RSS ${rssMb.toFixed(0)} MB  heap ${heapMb.toFixed(0)} MB  sent ${Object.values(sent).reduce((a, b) => a + b, 0)}  problems ${problems.length}`);
  };

  const started = Date.now();
  const end = started + minutes * 60_000;
  const events = [
    { at: started + minutes * 60_000 * 0.5, what: 'hot reload (SIGHUP)', run: () => void gateway.child.kill('SIGHUP') },
    {
      at: started + minutes * 60_000 * 0.6,
      what: 'Redis restart',
      run: () => {
        redisServer.kill('SIGKILL');
        redisServer = redis(socket);
      },
    },
  ];
  const timer = setInterval(() => void sample(), 10_000);
  const eventTimer = setInterval(() => {
    const due = events.filter((e) => e.at <= Date.now());
    for (const e of due) {
      events.splice(events.indexOf(e), 1);
      console.error(`soak: ${e.what}`);
      e.run();
    }
  }, 500);
  let n = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) await send(MIX[n++ % MIX.length]!);
  }));
  clearInterval(timer);
  clearInterval(eventTimer);
  await sample();

  // What the gateway counted, against what was sent (the /metrics scrapes themselves are their own handler).
  const metrics = parseMetrics(await (await fetch(`${base}/metrics`)).text());
  const counted = {
    graphql: valueOf(metrics, 'gateway_http_requests_total', { handler: 'graphql' }),
    passthrough: valueOf(metrics, 'gateway_http_requests_total', { handler: 'passthrough' }),
  };
  const expected = { graphql: sent.graphql + sent.refused + sent.invalid, passthrough: sent.passthrough + sent.failing };
  const at = (share: number): (typeof samples)[number] => samples.find((s) => s.at >= minutes * 60 * share) ?? samples[0]!;
  const [quarter, beforeReload, afterEvents] = [at(0.25), samples.filter((s) => s.at < minutes * 60 * 0.5).at(-1) ?? samples[0]!, at(0.7)];
  const last = samples.at(-1)!;
  const flatBefore = beforeReload.rssMb <= quarter.rssMb * 1.15;
  const flatAfter = last.rssMb <= afterEvents.rssMb * 1.05;
  const flat = flatBefore && flatAfter;
  const agree = counted.graphql === expected.graphql && counted.passthrough === expected.passthrough;
  console.log([
    `Soak: ${minutes} min, ${concurrency} concurrent, ${Object.values(sent).reduce((a, b) => a + b, 0)} requests (${Object.entries(sent).map(([k, v]) => `${k} ${v}`).join(', ')}), a hot reload at half time, a Redis restart at 60 %.`,
    '',
    '| s | RSS MB | heap MB |',
    '|---:|---:|---:|',
    ...samples.map((s) => `| ${s.at.toFixed(0)} | ${s.rssMb.toFixed(0)} | ${s.heapMb.toFixed(0)} |`),
    '',
    `RSS after warm-up: ${quarter.rssMb.toFixed(0)} MB at ${quarter.at.toFixed(0)} s, ${beforeReload.rssMb.toFixed(0)} MB before the reload at ${beforeReload.at.toFixed(0)} s: ${flatBefore ? 'flat' : 'GROWING'}; ${afterEvents.rssMb.toFixed(0)} MB after the events at ${afterEvents.at.toFixed(0)} s, ${last.rssMb.toFixed(0)} MB at the end: ${flatAfter ? 'flat' : 'GROWING'}.`,
    `Lost requests: ${lost}; answers without a code or with an unexpected status: ${problems.length - lost}${problems.length ? ` (first: ${problems[0]})` : ''}.`,
    `/metrics: graphql ${counted.graphql} of ${expected.graphql} sent, passthrough ${counted.passthrough} of ${expected.passthrough}: ${agree ? 'agree' : 'DISAGREE'}.`,
    flat && agree && problems.length === 0 ? 'Good.' : 'NOT GOOD.',
  ].join('\n'));
  process.exitCode = flat && agree && problems.length === 0 ? 0 : 1;
  await agent.close();
  failing.close();
  redisServer.kill('SIGKILL');
}

runBench('soak', main);
