// REST passthrough benchmark: GET /users/1 and GET /movies?limit=20 directly against the service, through
// this gateway, through the seed's Express + http-proxy-middleware gateway (as written, and with a
// keep-alive agent) and through the hand-written undici passthrough of ../shared/peers (baseline-proxy,
// which checks nothing), in one run with wrk on loopback: req/s, p50, p99, peak RSS, and the ratios.
//   npm run bench:passthrough -- [--seconds 10] [--rounds 3] [--connections 50]
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGateway, PRODUCTION_ENV } from './lib/build.ts';
import { peakRssMb, runBench, start, startPeerServices, type Started } from './lib/processes.ts';
import { benchOptions } from './lib/options.ts';
import { fmt, median } from './lib/stats.ts';
import { assertWrk, runWrk, type WrkResult } from './lib/wrk.ts';
import { profileFlags, stopAndSummarize } from './lib/profile-summary.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PEERS = resolve(ROOT, '../shared/peers');
const PATHS = ['/users/1', '/movies?limit=20'];

const { seconds, warmup, rounds, connections, port, profile } = benchOptions({ warmup: 2, port: 4300 });
const node = process.execPath;

interface Target {
  name: string;
  url: string;
  server?: Started;
  runs: Map<string, WrkResult[]>;
}

async function main(): Promise<void> {
  assertWrk();
  if (!existsSync(PEERS)) throw new Error(`the peers are not at ${PEERS}`);
  // The peers run from a copy beside the project, with their own packages (express, http-proxy-middleware).
  const peers = join(ROOT, 'bench/.work/peers');
  if (!existsSync(join(peers, 'node_modules/express'))) {
    mkdirSync(peers, { recursive: true });
    cpSync(PEERS, peers, { recursive: true });
    console.error('bench: installing the peers\' packages (once)');
    const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: peers, stdio: ['ignore', 'ignore', 'inherit'] });
    if (npm.status !== 0) throw new Error('npm install of the peers failed');
  }

  const { usersUrl, moviesUrl } = await startPeerServices(PEERS, port);
  const env = { USER_SERVICE_URL: usersUrl, MOVIE_SERVICE_URL: moviesUrl, ...PRODUCTION_ENV };
  const gateway = (name: string, args: string[], p: number, extra: Record<string, string> = {}) =>
    start(name, node, args, `http://127.0.0.1:${p}`, { ...env, PORT: String(p), ...extra }, '/users/1');

  const profileDir = join(ROOT, 'bench/.work/profiles/passthrough');
  const targets: Target[] = [
    { name: 'direct to the service', url: '', runs: new Map() },
    { name: 'this gateway', url: '', server: await gateway('gateway', [...(profile ? profileFlags(profileDir) : []), ...buildGateway(ROOT)], port + 12), runs: new Map() },
    { name: 'baseline-proxy (undici, checks nothing)', url: '', server: await gateway('baseline-proxy', [join(peers, 'baseline-proxy/server.mjs')], port + 14), runs: new Map() },
    { name: 'seed (Express + http-proxy-middleware)', url: '', server: await gateway('seed', [join(peers, 'seed/gateway.mjs')], port + 10), runs: new Map() },
    { name: 'seed with a keep-alive agent', url: '', server: await gateway('seed-keepalive', [join(peers, 'seed/gateway.mjs')], port + 13, { SEED_KEEPALIVE: '1' }), runs: new Map() },
  ];
  for (const t of targets) t.url = t.server?.url ?? '';

  // Every target must answer exactly as the service does before it is measured.
  for (const path of PATHS) {
    const direct = await (await fetch((path.startsWith('/users') ? usersUrl : moviesUrl) + path)).text();
    for (const t of targets.slice(1)) {
      const body = await (await fetch(t.url + path)).text();
      if (body !== direct) throw new Error(`${t.name} answers ${path} differently from the service`);
    }
  }

  const urlOf = (t: Target, path: string): string => (t.server ? t.url : path.startsWith('/users') ? usersUrl : moviesUrl) + path;
  console.error(`bench: warm-up ${warmup}s per target and path, then ${rounds} rounds of ${seconds}s, ${connections} connections`);
  for (const path of PATHS) for (const t of targets) await runWrk({ url: urlOf(t, path), seconds: warmup, connections });
  for (let r = 0; r < rounds; r++) {
    for (const path of PATHS) {
      for (const t of r % 2 ? [...targets].reverse() : targets) {
        const result = await runWrk({ url: urlOf(t, path), seconds, connections });
        t.runs.set(path, [...(t.runs.get(path) ?? []), result]);
        console.error(`bench: round ${r + 1} ${path} ${t.name}: ${fmt(result.rps)} req/s, p99 ${fmt(result.p99Ms, 2)} ms, errors ${result.errors}`);
      }
    }
  }

  const lines = [`REST passthrough, wrk -t2 -c${connections}, ${rounds} x ${seconds}s (medians); node ${process.version}; ${new Date().toISOString()}`, ''];
  const results: Record<string, unknown> = {};
  for (const path of PATHS) {
    const m = (t: Target) => {
      const runs = t.runs.get(path)!;
      return { rps: median(runs.map((x) => x.rps)), p50: median(runs.map((x) => x.p50Ms)), p99: median(runs.map((x) => x.p99Ms)), errors: runs.reduce((n, x) => n + x.errors, 0) };
    };
    const baseline = m(targets[2]!);
    const seed = m(targets[3]!);
    lines.push(`GET ${path}`, '', '| via | req/s | p50 ms | p99 ms | peak RSS MB | req/s vs baseline-proxy | p99 vs baseline-proxy | req/s vs seed | errors |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const t of targets) {
      const x = m(t);
      results[`${path} ${t.name}`] = x;
      const rss = t.server ? fmt(peakRssMb(t.server.child)) : '–';
      lines.push(`| ${t.name} | ${fmt(x.rps)} | ${fmt(x.p50, 2)} | ${fmt(x.p99, 2)} | ${rss} | ${fmt(x.rps / baseline.rps, 2)}× | ${fmt(x.p99 / baseline.p99, 2)}× | ${fmt(x.rps / seed.rps, 2)}× | ${x.errors} |`);
    }
    lines.push('');
  }
  if (profile) lines.push(`The gateway's CPU profile over every round (--profile):`, '', await stopAndSummarize(targets[1]!.server!.child, profileDir));
  console.log(lines.join('\n'));
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/passthrough-${Date.now()}.json`), JSON.stringify(results, null, 2));
}

runBench('bench', main);
