// A CPU profile (.cpuprofile, from node --cpu-prof) as a short table: the functions with the most self
// time, and the share of time per package or folder, so that a bench run says where the time went.
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a package, a folder of this project, or node's own. */
function placeOf(url: string): string {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/(src|dist\/src)\/(.*)$/.exec(url);
  if (own) return `src/${own[2]!.split('/').slice(0, -1).join('/') || '.'}`;
  return url.split('/').slice(-2).join('/');
}

export function summarizeProfile(file: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  // Shares are of the busy time: a gateway idles while a bench loads the other targets.
  let idle = 0;
  for (const [id, us] of self) if (byId.get(id)!.callFrame.functionName === '(idle)') idle += us;
  const sampled = [...self.values()].reduce((a, b) => a + b, 0);
  const total = sampled - idle || 1;
  const fns = new Map<string, number>();
  const places = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    const name = `${functionName || '(anonymous)'} ${url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : ''}`.trim();
    fns.set(name, (fns.get(name) ?? 0) + us);
    const place = placeOf(url);
    places.set(place, (places.get(place) ?? 0) + us);
  }
  const pct = (us: number): string => `${((us / total) * 100).toFixed(1)} %`;
  const rows = (m: Map<string, number>, n: number): string[] => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `| ${pct(us)} | ${k} |`);
  return [
    `CPU profile ${file}: ${(total / 1e6).toFixed(1)} s busy of ${(sampled / 1e6).toFixed(1)} s sampled; self time by function, as a share of the busy time`,
    '', '| self | function |', '|---:|---|', ...rows(fns, top),
    '', 'by package or folder', '', '| self | where |', '|---:|---|', ...rows(places, 15),
  ].join('\n');
}

/** Node flags that write a CPU profile into `dir` (emptied first) when the process exits. */
export function profileFlags(dir: string): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** Stops a process started with profileFlags(dir) (the gateway exits cleanly on SIGINT) and summarizes its profile. */
export async function stopAndSummarize(child: ChildProcess, dir: string): Promise<string> {
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  await exited;
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  return file ? summarizeProfile(join(dir, file)) : `no CPU profile was written into ${dir}`;
}

if (import.meta.main) for (const file of process.argv.slice(2)) console.log(summarizeProfile(file));
