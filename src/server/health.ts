// Bodies of /healthz (the process is alive) and /readyz (the schema is built and serving), each listing
// the configured services and their instances.
import type { GatewayConfig } from '../config/config-schema.ts';

export function healthBody(config: GatewayConfig) {
  return { status: 'ok' as const, services: Object.fromEntries(Object.entries(config.services).map(([name, s]) => [name, { instances: s.urls.length }])) };
}

export function readinessBody(config: GatewayConfig, schemaReady: boolean) {
  return {
    status: schemaReady ? ('ready' as const) : ('starting' as const),
    schema: schemaReady ? 'built' : 'building',
    services: Object.fromEntries(Object.entries(config.services).map(([name, s]) => [name, { instances: s.urls.map((url) => ({ url })) }])),
  };
}
