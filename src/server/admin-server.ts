// The admin port, when config.metrics.port is set: GET /metrics (at config.metrics.path) and nothing
// else, so that the metrics can stay off the port clients reach.
import { createServer, type Server } from 'node:http';
import type { Logger } from '../logger.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import { sendJson } from '../http/send-json.ts';
import { serveMetrics } from './metrics-endpoint.ts';

export function createAdminServer(metrics: GatewayMetrics, path: string, logger: Logger): Server {
  return createServer((req, res) => {
    const target = (req.url ?? '/').split('?')[0];
    if (target === path && (req.method === 'GET' || req.method === 'HEAD')) return serveMetrics(res, metrics, logger);
    sendJson(res, 404, { error: { code: 'ROUTE_NOT_FOUND', message: `the admin port serves GET ${path} only` } });
  });
}
