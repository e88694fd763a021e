// Child processes for a benchmark run: start with a fixed loopback port, wait until it answers, read its
// peak memory, stop everything at the end (and on Ctrl-C).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const children: ChildProcess[] = [];

export interface Started {
  name: string;
  child: ChildProcess;
  url: string;
}

/** `output`: a file descriptor for the process's stdout and stderr (by default stdout is discarded and the end of stderr kept for errors). */
export async function start(name: string, command: string, args: string[], url: string, env: Record<string, string> = {}, readyPath = '/', output?: number): Promise<Started> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', output ?? 'ignore', output ?? 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d).slice(-4000)));
  children.push(child);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${stderr}`);
    try {
      await fetch(url + readyPath);
      return { name, child, url };
    } catch {
      if (Date.now() > deadline) throw new Error(`${name} did not start on ${url}:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Peak resident memory of a process so far (VmHWM), in MB. */
export function peakRssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export function stopAll(): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}
process.on('exit', stopAll);
process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

/** `node args…`, or the same under `taskset -c cpus` (pinned to those CPUs) when `cpus` is given. */
export function nodeCommand(args: string[], cpus?: string): [string, string[]] {
  return cpus ? ['taskset', ['-c', cpus, process.execPath, ...args]] : [process.execPath, args];
}

/** The peers' reference users and movies services (../shared/peers/services) on `port` + 1 and + 2. */
export async function startPeerServices(peers: string, port: number, cpus?: string): Promise<{ usersUrl: string; moviesUrl: string }> {
  const urls = { usersUrl: `http://127.0.0.1:${port + 1}`, moviesUrl: `http://127.0.0.1:${port + 2}` };
  for (const [name, url, p] of [['users', urls.usersUrl, port + 1], ['movies', urls.moviesUrl, port + 2]] as const) {
    const [command, args] = nodeCommand([join(peers, 'services/server.mjs'), name, String(p)], cpus);
    await start(name, command, args, url, {}, '/healthz');
  }
  return urls;
}

/** Runs a benchmark's main: an error is printed as `label: message` (exit code 1); everything started is stopped, and the process ends a second later even if pooled sockets to the stopped servers linger. */
export function runBench(label: string, main: () => Promise<void>): void {
  main()
    .catch((err: unknown) => {
      console.error(`${label}:`, err instanceof Error ? err.message : err);
      process.exitCode = 1;
    })
    .finally(() => {
      stopAll();
      setTimeout(() => process.exit(), 1_000).unref();
    });
}
