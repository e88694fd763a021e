// The command-line options every benchmark shares, each bounded so that a run stays short and local.
import { parseArgs } from 'node:util';

export interface BenchOptions {
  seconds: number;
  warmup: number;
  rounds: number;
  connections: number;
  /** First of the fixed loopback ports the run uses (upstreams at +1, +2, gateways above +10). */
  port: number;
  /** --profile: the gateway runs with --cpu-prof, and the run ends with its profile's summary (profile-summary.ts). */
  profile: boolean;
  /** Options a benchmark adds, as given. */
  extra: Record<string, string | undefined>;
}

export function benchOptions(defaults: { warmup: number; port: number; rounds?: number }, extra: Record<string, string> = {}): BenchOptions {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: String(defaults.warmup) },
      rounds: { type: 'string', default: String(defaults.rounds ?? 3) },
      connections: { type: 'string', default: '50' },
      'base-port': { type: 'string', default: String(defaults.port) },
      profile: { type: 'boolean', default: false },
      ...Object.fromEntries(Object.entries(extra).map(([k, d]) => [k, { type: 'string' as const, default: d }])),
    },
  });
  const v = values as unknown as Record<string, string | undefined>;
  return {
    seconds: Math.min(60, Number(v.seconds)),
    warmup: Math.min(30, Number(v.warmup)),
    rounds: Math.min(9, Number(v.rounds)),
    connections: Math.min(512, Number(v.connections)),
    port: Number(v['base-port']),
    profile: (values as { profile?: boolean }).profile === true,
    extra: Object.fromEntries(Object.keys(extra).map((k) => [k, v[k]])),
  };
}
