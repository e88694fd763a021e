// A real redis-server for the tests, on a unix socket in a fresh temporary folder (no TCP port, so no
// race for a free one), with no persistence. npm test installs Debian's redis-server when it is missing
// (scripts/provision-tests.mjs). Ready when the server says so on its standard output, within 10 s.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  /** unix:///…/redis.sock, as rateLimit.redisUrl takes it. */
  url: string;
  stop(): Promise<void>;
}

/** "Ready to accept connections" (7.2+) or "The server is now ready to accept connections at …" (7.0). */
const READY = /ready to accept connections/i;

export async function startRedis(): Promise<RedisServer> {
  if (spawnSync('redis-server', ['--version']).error) throw new Error('redis-server is not installed: npm test installs it (or: sudo apt-get install -y redis-server)');
  const socket = join(mkdtempSync(join(tmpdir(), 'gateway-redis-')), 'redis.sock');
  const child: ChildProcess = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not become ready within 10 s:\n${out.slice(-500)}`)), 10_000);
    child.stdout!.on('data', (chunk: string) => {
      out = (out + chunk).slice(-4000);
      if (READY.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${out.slice(-500)}`));
    });
  });
  await ready;
  child.stdout!.resume(); // keep draining its log
  return {
    url: `unix://${socket}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
