// The benchmarks measure the production build (dist/), as a deployment would run it: compiled once here.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Builds dist/ and returns the gateway's entry point in it. */
export function buildGateway(root: string): string {
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('npm run build failed');
  return join(root, 'dist/src/main.js');
}
