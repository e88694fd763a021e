// What running the gateway like production software costs: metrics, tracing and logs, each measured in
// pairs. A pair is two gateways that differ in one thing, started together, pinned together to one core
// (taskset, when there is one to spare) and loaded together by two wrk with the bench query, so that
// whatever else the machine does at that moment slows both alike; the cost is 1 − the variant's
// requests over the reference's, the geometric mean over the rounds (each round a fresh start of the
// pair, in alternating order). Sequential runs on these shared machines differed by up to 30 % between
// identical rounds; a pair of identical gateways (the first row) shows what this method's own noise is.
// Logs are compared with the gateway as it was before the operations work (its hand-written logger),
// built from git: logging's cost then (warn against info, same build) and now.
//   npm run bench:operations -- [--seconds 10] [--rounds 8] [--connections 50]
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGateway, PRODUCTION_ENV } from './lib/build.ts';
import { benchOptions } from './lib/options.ts';
import { nodeCommand, runBench, start, startPeerServices, stopAll, type Started } from './lib/processes.ts';
import { fmt, median } from './lib/stats.ts';
import { startOtlpSink } from './lib/otlp-sink.ts';
import { assertWrk, runWrk } from './lib/wrk.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PEERS = resolve(ROOT, '../shared/peers');
const WORK = join(ROOT, 'bench/.work');
const BODY = JSON.stringify({ query: '{ users(limit: 50) { id name favoriteMovies { id title director { id name } } } }' });
/** The last commit before the operations work (issue 15): the hand-written logger, no metrics, no tracing. */
const BEFORE_OPERATIONS = 'fa497f3';

const { seconds, warmup, rounds, connections, port, extra } = benchOptions({ warmup: 3, port: 4600, rounds: 8 }, { only: '' });
/** --only TEXT: the rows whose description contains it (and the noise row). */
const wanted = (row: string): boolean => !extra.only || row.includes(extra.only) || row.startsWith('the same gateway');

/** Gateways on the last core, everything else (services, wrk, the span sink) on the others, when taskset can say so. */
const cpus = availableParallelism();
const pinned = cpus >= 2 && !spawnSync('taskset', ['-V']).error;
const gatewayCpu = String(cpus - 1);
const otherCpus = cpus === 2 ? '0' : `0-${cpus - 2}`;

/** The gateway of `BEFORE_OPERATIONS`, compiled beside this one (it finds its packages in our node_modules). */
function buildBefore(): string[] | undefined {
  const dir = join(WORK, 'before-operations');
  const entry = join(dir, 'dist/src/main.js');
  if (existsSync(entry)) return [entry];
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync('git', ['archive', '--format=tar', BEFORE_OPERATIONS, 'src', 'subgraphs', 'schema', 'tsconfig.json', 'tsconfig.build.json', 'gateway.config.json', 'package.json'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  if (archive.status !== 0) return undefined; // not a git clone, or a shallow one
  if (spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout }).status !== 0) return undefined;
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.build.json')], { stdio: ['ignore', 'ignore', 'inherit'] });
  return tsc.status === 0 ? [entry] : undefined;
}

interface Variant {
  label: string;
  args: string[];
  env?: Record<string, string>;
  /** Its output goes to this file (its logs), else nowhere. */
  logFile?: string;
}

interface PairResult {
  row: string;
  ratios: number[];
  rps: [number, number];
  logBytes?: number;
}

let nextPort = port + 10;

const geometricMean = (xs: number[]): number => Math.exp(xs.reduce((sum, x) => sum + Math.log(x), 0) / xs.length);

async function launch(v: Variant, upstreamEnv: Record<string, string>): Promise<{ server: Started; close(): void }> {
  const p = nextPort++;
  const fd = v.logFile ? openSync(v.logFile, 'w') : undefined;
  const [command, args] = nodeCommand(v.args, pinned ? gatewayCpu : undefined);
  const server = await start(v.label, command, args, `http://127.0.0.1:${p}`, { ...upstreamEnv, ...v.env, PORT: String(p) }, '/healthz', fd);
  return {
    server,
    close: () => {
      server.child.kill('SIGTERM');
      if (fd !== undefined) closeSync(fd);
    },
  };
}

/**
 * Both gateways loaded at once for `secs`; their requests per second. `bFirst`: b's wrk starts first (the
 * wrk started second measured 2-5 % more for an identical gateway, so rounds alternate).
 */
async function together(a: Started, b: Started, secs: number, bFirst = false): Promise<[number, number]> {
  const half = Math.max(1, Math.floor(connections / 2));
  const load = (s: Started) => runWrk({ url: `${s.url}/graphql`, method: 'POST', body: BODY, seconds: secs, connections: half, threads: 1, cpus: pinned ? otherCpus : undefined });
  const [ra, rb] = bFirst ? await Promise.all([load(b), load(a)]).then(([y, x]) => [x, y] as const) : await Promise.all([load(a), load(b)]);
  if (ra.errors || rb.errors) throw new Error(`errors under load: ${a.name} ${ra.errors}, ${b.name} ${rb.errors}`);
  return [ra.rps, rb.rps];
}

/**
 * The pair started afresh for every round: a process's own luck (where its heap and code landed) moved
 * an identical gateway's throughput by up to 4 % from one start to the next, more than anything within
 * a start, so rounds are starts. Their order alternates (the process started second did better), and
 * so does which wrk starts first, over every combination of the two: whatever favours one side of a pair
 * for reasons of its own counts for each side equally.
 */
async function pair(row: string, reference: Variant, variant: Variant, upstreamEnv: Record<string, string>): Promise<PairResult | undefined> {
  if (!wanted(row)) return undefined;
  const ratios: number[] = [];
  const rpsA: number[] = [];
  const rpsB: number[] = [];
  let logBytes: number | undefined;
  for (let round = 0; round < rounds; round++) {
    const [firstVariant, secondVariant] = round % 2 === 0 ? [reference, variant] : [variant, reference];
    const first = await launch(firstVariant, upstreamEnv);
    const second = await launch(secondVariant, upstreamEnv);
    const [a, b] = firstVariant === reference ? [first, second] : [second, first];
    try {
      await together(a.server, b.server, warmup);
      const [x, y] = await together(a.server, b.server, seconds, Math.floor(round / 2) % 2 === 1);
      ratios.push(y / x);
      rpsA.push(x);
      rpsB.push(y);
      if (variant.logFile) logBytes = (logBytes ?? 0) + statSync(variant.logFile).size;
    } finally {
      a.close();
      b.close();
      for (const v of [reference, variant]) if (v.logFile) rmSync(v.logFile, { force: true });
    }
  }
  console.error(`${row}: ${ratios.map((x) => fmt(x, 3)).join(' ')}`);
  return { row, ratios, rps: [median(rpsA), median(rpsB)], ...(logBytes !== undefined && { logBytes }) };
}

async function main(): Promise<void> {
  assertWrk();
  mkdirSync(WORK, { recursive: true });
  const { usersUrl, moviesUrl } = await startPeerServices(PEERS, port, pinned ? otherCpus : undefined);
  const upstreamEnv = { USER_SERVICE_URL: usersUrl, MOVIE_SERVICE_URL: moviesUrl, ...PRODUCTION_ENV };
  const sink = await startOtlpSink();
  const now = buildGateway(ROOT);
  const config = (name: string, value: unknown): string[] => {
    const file = join(WORK, `operations-${name}.config.json`);
    writeFileSync(file, JSON.stringify(value));
    return ['--config', file];
  };
  const metricsOff = [...now, ...config('no-metrics', { metrics: { enabled: false } })];
  const traced = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url };
  const logFile = (name: string): string => join(WORK, `operations-${name}.log`);

  const results: Array<PairResult | undefined> = [];
  results.push(await pair('the same gateway twice (this method\'s noise)', { label: 'gateway', args: now }, { label: 'gateway again', args: now }, upstreamEnv));
  results.push(await pair('metrics (prom-client, on by default)', { label: 'metrics off', args: metricsOff }, { label: 'metrics on', args: now }, upstreamEnv));
  results.push(await pair('tracing at the default sampling (10 % of new traces)', { label: 'tracing off', args: now }, { label: 'tracing on', args: now, env: traced }, upstreamEnv));
  results.push(await pair('metrics and tracing at the default sampling', { label: 'both off', args: metricsOff }, { label: 'both on', args: now, env: traced }, upstreamEnv));
  results.push(await pair('tracing on, nothing sampled (always_off: what an unsampled request pays)', { label: 'tracing off', args: now }, { label: 'tracing always_off', args: now, env: { ...traced, OTEL_TRACES_SAMPLER: 'always_off' } }, upstreamEnv));
  results.push(await pair('tracing, every request sampled', { label: 'tracing off', args: now }, { label: 'tracing always_on', args: now, env: { ...traced, OTEL_TRACES_SAMPLER: 'always_on' } }, upstreamEnv));
  const logs = (label: string, args: string[], name: string): [Variant, Variant] => [
    { label: `${label} at warn`, args, env: { LOG_LEVEL: 'warn' }, logFile: logFile(`${name}-warn`) },
    { label: `${label} at info`, args, env: { LOG_LEVEL: 'info' }, logFile: logFile(`${name}-info`) },
  ];
  const before = wanted('logs at info') ? buildBefore() : undefined;
  if (before) results.push(await pair(`logs at info to a file, before (${BEFORE_OPERATIONS}: hand-written logger)`, ...logs('before', before, 'before'), upstreamEnv));
  else if (wanted('logs at info')) console.error(`(no "before" row: ${BEFORE_OPERATIONS} could not be read from git or built)`);
  results.push(await pair('logs at info to a file, now (pino)', ...logs('now', now, 'now'), upstreamEnv));
  stopAll();
  sink.close();

  const lines = [
    `# Operations bench (${rounds} rounds of ${seconds} s per pair, each a fresh start, ${connections} connections split between the pair, ${pinned ? `both gateways pinned to CPU ${gatewayCpu}, services and wrk on ${otherCpus}` : 'unpinned'}, ${cpus} CPUs)`,
    '',
    '| what is measured | reference req/s | variant req/s | cost (mean) | per round |',
    '|---|---:|---:|---:|---|',
    ...results.filter((r): r is PairResult => r !== undefined).map((r) => {
      const cost = (1 - geometricMean(r.ratios)) * 100;
      const logs = r.logBytes === undefined ? '' : ` (${fmt(r.logBytes / 1e6)} MB of logs written at info)`;
      return `| ${r.row}${logs} | ${fmt(r.rps[0])} | ${fmt(r.rps[1])} | ${fmt(cost, 1)} % | ${r.ratios.map((x) => fmt((1 - x) * 100, 1)).join(', ')} |`;
    }),
    '',
    `Cost: 1 − variant/reference requests in the same seconds on the same core (negative: the variant did more). Spans exported: ${fmt(sink.bytes() / 1e6, 1)} MB in ${sink.exports()} batches.`,
  ];
  console.log(lines.join('\n'));
}

runBench('bench', main);
