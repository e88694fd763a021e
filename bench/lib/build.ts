// The benchmarks measure the production build (dist/) as a deployment runs it: compiled once here, and
// started with the Node flags of `npm run gateway:prod`, read from package.json so the two cannot drift.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let built = false;

/** Builds dist/ (once per run: every row measures the same build) and returns the arguments to give `node`: the production flags, then the entry point. */
export function buildGateway(root: string): string[] {
  if (!built) {
    const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (build.status !== 0) throw new Error('npm run build failed');
    built = true;
  }
  const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['gateway:prod'] ?? '';
  const flags = script.split(/\s+/).filter((word) => word.startsWith('--'));
  return [...flags, join(root, 'dist/src/main.js')];
}

/**
 * The production preset requires verification keys, an issuer and an audience: a throwaway set. Rate
 * limits are off here: these benchmarks send thousands of requests a second from one address, which a
 * per-client limit rightly refuses; bench/rate-limit-bench.ts measures what the limits cost. One worker
 * (production's default is one per core): rows compare one process with another; the GraphQL bench has a
 * row with two.
 */
export const PRODUCTION_ENV: Readonly<Record<string, string>> = Object.freeze({
  NODE_ENV: 'production',
  AUTH_HS256_SECRET: randomBytes(32).toString('hex'),
  AUTH_ISSUER: 'bench',
  AUTH_AUDIENCE: 'bench',
  RATE_LIMIT_ENABLED: 'false',
  WORKERS: '1',
});
