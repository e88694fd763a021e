// The container files, checked with the tools that run here (no Docker daemon on these machines):
// the Dockerfile by dockerfile-utils (the Dockerfile language server's validator), compose.yaml by
// dclint (the Compose specification's schema and its rules), and both for what a production image
// and a drained instance need.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../harness/start-stack.ts';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
/** The Dockerfile's instructions of one stage ("runtime"), as written. */
const stage = (name: string): string[] => {
  const lines = dockerfile.replace(/\\\n\s*/g, ' ').split('\n');
  const start = lines.findIndex((l) => new RegExp(`^FROM .* AS ${name}$`).test(l));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('FROM '));
  return lines.slice(start, end === -1 ? undefined : end).filter((l) => l && !l.startsWith('#'));
};

describe('Dockerfile', () => {
  it('has no diagnostics from the Dockerfile validator', () => {
    expect(validate(dockerfile)).toEqual([]);
  });

  it('builds in one stage, runs the production build as a non-root user in another, with Node as PID 1', () => {
    const runtime = stage('runtime');
    expect(stage('build').some((l) => l.includes('npm run build'))).toBe(true);
    expect(runtime.some((l) => l.startsWith('COPY --from=build') && l.includes('/app/dist'))).toBe(true);
    expect(runtime).toContain('USER node');
    expect(runtime.find((l) => l.startsWith('ENV '))).toContain('NODE_ENV=production');
    // Exec form: node is PID 1 and gets SIGTERM itself (a shell form would swallow it).
    expect(runtime.find((l) => l.startsWith('ENTRYPOINT'))).toBe('ENTRYPOINT ["node", "--max-semi-space-size=32", "dist/src/main.js"]');
    expect(runtime.find((l) => l.startsWith('HEALTHCHECK'))).toContain('/healthz');
  });
});

describe('compose.yaml', () => {
  const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string>; stop_grace_period?: string; ports?: string[]; depends_on?: unknown }>;
  };

  it('passes dclint (the Compose schema and its rules)', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/dclint/bin/dclint.cjs'), join(ROOT, 'compose.yaml')], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stdout + run.stderr).not.toMatch(/error/);
    expect(run.status).toBe(0);
  });

  it('runs two gateway instances behind one port, sharing rate limits through Redis, with time to drain', () => {
    const gateways = Object.entries(compose.services).filter(([name]) => name.startsWith('gateway-'));
    expect(gateways).toHaveLength(2);
    for (const [, gateway] of gateways) {
      expect(gateway.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(gateway.environment?.USER_SERVICE_URL).toBe('http://users:3001');
      // shutdownTimeout (25 s by default) within the grace period.
      expect(parseInt(gateway.stop_grace_period ?? '10s', 10)).toBeGreaterThan(25);
    }
    expect(compose.services.balancer?.ports).toEqual(['127.0.0.1:3000:3000']);
    expect(Object.keys(compose.services).sort()).toEqual(['balancer', 'gateway-1', 'gateway-2', 'movies', 'redis', 'users']);
  });
});
