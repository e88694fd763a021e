// Child processes for a benchmark run: start with a fixed loopback port, wait until it answers, read its
// peak memory, stop everything at the end (and on Ctrl-C).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
