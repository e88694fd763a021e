// The schema of each service that speaks GraphQL: read from its SDL file (graphql.schema), or
// introspected from the service itself with @graphql-tools/wrap's schemaFromExecutor. Introspection is
// asynchronous, so it runs before the synchronous schema build, at start-up and before each reload
// (main.ts); a build that finds neither says so.
import { readFileSync } from 'node:fs';
import { schemaFromExecutor } from '@graphql-tools/wrap';
import { buildASTSchema, GraphQLError, parse, print, Source, type GraphQLSchema } from 'graphql';
import { Agent, request } from 'undici';
import type { GatewayConfig, ServiceConfig } from '../config/config-schema.ts';
import { ConfigError } from '../errors.ts';
import { displayPath } from '../sdl/load-subgraphs.ts';
import { fromGraphQLErrors } from '../sdl/sdl-error.ts';
import { readServiceTls } from '../upstream/service-tls.ts';

/** Introspected schemas by service name (services with a schema file are read at build time). */
export type RemoteSchemas = ReadonlyMap<string, GraphQLSchema>;

type GraphQLServiceConfig = NonNullable<ServiceConfig['graphql']>;

/** The service's schema: its SDL file, else what introspection found. */
export function remoteSchemaOf(service: string, config: ServiceConfig, introspected: RemoteSchemas | undefined): GraphQLSchema {
  const graphql = config.graphql as GraphQLServiceConfig;
  if (graphql.schema === undefined) {
    const found = introspected?.get(service);
    if (!found) throw new ConfigError(`services.${service}: a GraphQL service without graphql.schema is introspected before the gateway is built (await introspectGraphQLServices(config) and pass it as remoteSchemas)`);
    return found;
  }
  const file = displayPath(graphql.schema);
  let text: string;
  try {
    text = readFileSync(graphql.schema, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the schema of GraphQL service "${service}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return buildASTSchema(parse(new Source(text, file)));
  } catch (err) {
    if (err instanceof GraphQLError) throw fromGraphQLErrors([err], file);
    throw new ConfigError(`${file}: ${(err as Error).message}`);
  }
}

/** Introspects one service at its first instance, with its configured headers, within its timeout. */
async function introspect(service: string, config: ServiceConfig): Promise<GraphQLSchema> {
  const graphql = config.graphql as GraphQLServiceConfig;
  const endpoint = `${config.urls[0]}${graphql.path}`;
  // Over the service's TLS settings (its CA, the gateway's client certificate), as its calls will be.
  const tls = readServiceTls(service, config);
  const dispatcher = tls ? new Agent({ connect: tls.connect }) : undefined;
  try {
    return await schemaFromExecutor(async (req) => {
      const res = await request(endpoint, {
        ...(dispatcher && { dispatcher }),
        method: 'POST',
        headers: { ...config.headers, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: print(req.document), variables: req.variables, operationName: req.operationName }),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`it answered ${res.statusCode}: ${text.slice(0, 200)}`);
      return JSON.parse(text);
    });
  } catch (err) {
    throw new ConfigError(`services.${service}: cannot introspect ${endpoint} (${(err as Error).message}); give its schema as graphql.schema, or start it first`);
  } finally {
    await dispatcher?.close();
  }
}

/** The schema of every GraphQL service that has no schema file, introspected in parallel. */
export async function introspectGraphQLServices(config: Pick<GatewayConfig, 'services'>): Promise<Map<string, GraphQLSchema>> {
  const wanted = Object.entries(config.services).filter(([, s]) => s.graphql && s.graphql.schema === undefined);
  const schemas = await Promise.all(wanted.map(([name, s]) => introspect(name, s)));
  return new Map(wanted.map(([name], i) => [name, schemas[i]!]));
}
