// h2load (Debian's nghttp2-client), the HTTP/2 load generator beside wrk (which speaks HTTP/1.1 only):
// a fixed duration over `connections` connections with `streams` concurrent streams each; its summary
// parsed into requests per second and the mean request time (h2load reports no percentiles).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface H2loadResult {
  rps: number;
  meanMs: number;
  requests: number;
  errors: number;
}

export const hasH2load = (): boolean => spawnSync('sh', ['-c', 'command -v h2load'], { stdio: 'ignore' }).status === 0;

export function runH2load(o: { url: string; seconds: number; connections: number; streams: number; body?: string; headers?: Record<string, string> }): Promise<H2loadResult> {
  const args = ['-D', `${o.seconds}s`, '-c', String(o.connections), '-m', String(o.streams), '-t', '2'];
  if (o.body !== undefined) {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-h2load-')), 'body');
    writeFileSync(file, o.body);
    args.push('-d', file);
  }
  for (const [name, value] of Object.entries(o.headers ?? {})) args.push('-H', `${name}: ${value}`);
  args.push(o.url);
  return new Promise((resolve, reject) => {
    const child = spawn('h2load', args);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.on('error', reject);
    child.on('close', () => {
      const rps = /finished in [^,]+, ([\d.]+) req\/s/.exec(out);
      const requests = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(out);
      const mean = /time for request:\s+\S+\s+\S+\s+(\S+)/.exec(out);
      if (!rps || !requests || !mean) return reject(new Error(`h2load printed no summary:\n${out.slice(-2000)}`));
      const toMs = (v: string): number => (v.endsWith('us') ? Number(v.slice(0, -2)) / 1000 : v.endsWith('ms') ? Number(v.slice(0, -2)) : Number(v.slice(0, -1)) * 1000);
      resolve({ rps: Number(rps[1]), meanMs: toMs(mean[1]!), requests: Number(requests[3]), errors: Number(requests[5]) + Number(requests[6]) });
    });
  });
}
