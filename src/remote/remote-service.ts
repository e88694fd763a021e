// A GraphQL service as a subschema of the gateway's schema: its own schema (file or introspection),
// wrapped with @graphql-tools/wrap's transforms for the names the configuration changes or hides,
// executed through the upstream layer (remote-executor.ts). Subscriptions are left out: the gateway
// serves queries and mutations.
import type { SubschemaConfig } from '@graphql-tools/delegate';
import { FilterObjectFields, FilterRootFields, FilterTypes, RenameObjectFields, RenameTypes, wrapSchema } from '@graphql-tools/wrap';
import { GraphQLSchema, isObjectType } from 'graphql';
import type { ServiceConfig } from '../config/config-schema.ts';
import { ConfigError } from '../errors.ts';
import { remoteExecutor } from './remote-executor.ts';
import { remoteSchemaOf, type RemoteSchemas } from './remote-schema.ts';

export interface RemoteService {
  name: string;
  config: ServiceConfig;
  subschema: SubschemaConfig;
  /** Its schema as the gateway shows it: renames and hidden names applied. */
  publicSchema: GraphQLSchema;
}

/** Every "Type" and "Type.field" the configuration names must exist: a typo would silently do nothing. */
function checkNames(service: string, schema: GraphQLSchema, names: readonly string[], key: string): void {
  for (const name of names) {
    const [typeName, fieldName] = name.split('.') as [string, string | undefined];
    const type = schema.getType(typeName);
    const ok = type !== undefined && (fieldName === undefined || (isObjectType(type) && type.getFields()[fieldName] !== undefined));
    if (!ok) throw new ConfigError(`services.${service}.graphql.${key}: ${name} is not in the service's schema`);
  }
}

/** The schema without its Subscription root: the gateway serves queries and mutations. */
function withoutSubscriptions(schema: GraphQLSchema): GraphQLSchema {
  return schema.getSubscriptionType() ? new GraphQLSchema({ ...schema.toConfig(), subscription: null }) : schema;
}

export function remoteService(name: string, config: ServiceConfig, introspected: RemoteSchemas | undefined): RemoteService {
  const graphql = config.graphql!;
  const schema = remoteSchemaOf(name, config, introspected);
  checkNames(name, schema, Object.keys(graphql.rename), 'rename');
  checkNames(name, schema, graphql.hide, 'hide');
  const hidden = new Set(graphql.hide);
  const rename = graphql.rename;
  const renames = Object.keys(rename);
  // Each transform visits every delegated request: only those the configuration asks for.
  const transforms = [
    ...(graphql.hide.some((n) => n.includes('.')) ? [new FilterRootFields((operation, field) => !hidden.has(`${operation}.${field}`)), new FilterObjectFields((type, field) => !hidden.has(`${type}.${field}`))] : []),
    ...(graphql.hide.some((n) => !n.includes('.')) ? [new FilterTypes((type) => !hidden.has(type.name))] : []),
    // Field names are matched before types are renamed: the configuration speaks the service's names.
    ...(renames.some((n) => n.includes('.')) ? [new RenameObjectFields((type, field) => rename[`${type}.${field}`] ?? field)] : []),
    ...(renames.some((n) => !n.includes('.')) ? [new RenameTypes((type) => rename[type] ?? type)] : []),
  ];
  const subschema: SubschemaConfig = { schema: withoutSubscriptions(schema), executor: remoteExecutor(name, config), transforms };
  return { name, config, subschema, publicSchema: wrapSchema(subschema) };
}
