// GET /metrics: the Prometheus exposition text, on the main port or the admin port.
import type { ServerResponse } from 'node:http';
import type { Logger } from '../logger.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import { sendJson } from '../http/send-json.ts';

export function serveMetrics(res: ServerResponse, metrics: GatewayMetrics, log: Logger): void {
  metrics.render().then(
    ({ contentType, body }) => {
      res.writeHead(200, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
      res.end(body);
    },
    (err: unknown) => {
      log.error('metrics collection failed', { error: (err as Error)?.stack ?? String(err) });
      sendJson(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error.' } });
    },
  );
}
