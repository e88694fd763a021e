// Runs wrk (Debian's package) against one URL and returns its figures, read from a JSON line that a small
// Lua script prints at the end. wrk measures latency correctly where autocannon does not (servers that
// close connections).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers plus socket errors. */
  errors: number;
  /** Bytes read, heads included. */
  bytes: number;
}

const SCRIPT = `
local body = os.getenv("BENCH_BODY")
wrk.method = os.getenv("BENCH_METHOD") or "GET"
wrk.headers["Accept"] = "application/json"
local encoding = os.getenv("BENCH_ACCEPT_ENCODING")
if encoding and #encoding > 0 then
  wrk.headers["Accept-Encoding"] = encoding
end
if body and #body > 0 then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
-- BENCH_CLIENTS=N: each request comes "from" one of N addresses (X-Forwarded-For, for a gateway that
-- trusts loopback as its proxy), so per-client rate limits see many ordinary clients, not one flood.
local pool = tonumber(os.getenv("BENCH_CLIENTS") or "0")
local n = 0
if pool > 0 then
  request = function()
    n = n + 1
    local i = n % pool
    wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(i / 65536) % 256, math.floor(i / 256) % 256, i % 256)
    return wrk.format()
  end
end
done = function(s, latency)
  local e = s.errors
  io.write(string.format('BENCH {"requests":%d,"us":%d,"p50":%d,"p99":%d,"errors":%d,"bytes":%d}\\n',
    s.requests, s.duration, latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout, s.bytes))
end
`;

let scriptFile: string | undefined;

export function assertWrk(): void {
  if (spawnSync('wrk', ['--version']).error) {
    console.error('bench: wrk is not installed (apt-get install -y wrk)');
    process.exit(2);
  }
}

export interface WrkOptions {
  url: string;
  seconds: number;
  connections: number;
  threads?: number;
  method?: string;
  body?: string;
  /** Spread requests over this many client addresses (X-Forwarded-For). */
  clients?: number;
  /** Accept-Encoding to send (none by default). */
  acceptEncoding?: string;
  /** Run wrk on these CPUs only (a taskset list, "0" or "0-2"). */
  cpus?: string | undefined;
}

export function runWrk(o: WrkOptions): Promise<WrkResult> {
  if (!scriptFile) {
    scriptFile = join(mkdtempSync(join(tmpdir(), 'bench-wrk-')), 'report.lua');
    writeFileSync(scriptFile, SCRIPT);
  }
  const threads = Math.min(o.threads ?? 2, o.connections);
  const args = [`-t${threads}`, `-c${o.connections}`, `-d${o.seconds}s`, '--timeout', '5s', '-s', scriptFile, o.url];
  return new Promise((resolve, reject) => {
    const [command, argv] = o.cpus ? ['taskset', ['-c', o.cpus, 'wrk', ...args]] : ['wrk', args];
    const child = spawn(command, argv, { env: { ...process.env, BENCH_METHOD: o.method ?? 'GET', BENCH_BODY: o.body ?? '', BENCH_CLIENTS: String(o.clients ?? 0), BENCH_ACCEPT_ENCODING: o.acceptEncoding ?? '' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.on('error', reject);
    // 'close', not 'exit': the process may exit before its output has all been read.
    child.on('close', () => {
      const line = /BENCH (\{.*\})/.exec(out)?.[1];
      if (!line) return reject(new Error(`wrk printed no summary:\n${out}`));
      const r = JSON.parse(line) as { requests: number; us: number; p50: number; p99: number; errors: number; bytes: number };
      resolve({ requests: r.requests, rps: r.requests / (r.us / 1e6), p50Ms: r.p50 / 1000, p99Ms: r.p99 / 1000, errors: r.errors, bytes: r.bytes });
    });
  });
}
