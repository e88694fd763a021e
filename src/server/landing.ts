// The answer at "/": what this gateway serves and where; a short HTML page for browsers, JSON otherwise.
import type { GatewayConfig } from '../config/config-schema.ts';

export function landingJson(config: GatewayConfig) {
  return {
    name: 'rest-graphql-gateway',
    graphql: '/graphql',
    graphiql: config.graphql.graphiql ? '/graphql (open in a browser)' : 'disabled',
    health: '/healthz',
    readiness: '/readyz',
    services: Object.keys(config.services),
  };
}

export function landingHtml(config: GatewayConfig): string {
  const services = Object.keys(config.services).map((s) => `<li><code>${s}</code></li>`).join('');
  const graphiql = config.graphql.graphiql
    ? '<p>Explore the API in <a href="/graphql">GraphiQL</a>.</p>'
    : '<p>GraphQL is served at <code>POST /graphql</code> (GraphiQL is disabled).</p>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>API gateway</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>API gateway</h1>${graphiql}<p>Services in the schema:</p><ul>${services}</ul>
<p>Health: <a href="/healthz">/healthz</a> · readiness: <a href="/readyz">/readyz</a></p></body></html>`;
}
