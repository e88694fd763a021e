// Rules across files: every entity has exactly one owning service and one key field, and a type that is
// an entity in one file is an entity wherever it is declared. Returns the owner of each entity.
import { Kind } from 'graphql';
import type { ServiceConfig } from '../config/config-schema.ts';
import { ConfigError } from '../errors.ts';
import type { EntityOwner } from './entity-owner.ts';
import type { EntityDeclaration, SubgraphPlan } from './plan-subgraph.ts';
import { sdlError } from './sdl-error.ts';

export function checkEntities(plans: readonly SubgraphPlan[]): Map<string, EntityOwner> {
  const declarations = new Map<string, EntityDeclaration[]>();
  for (const plan of plans) {
    for (const e of plan.entities) declarations.set(e.typeName, [...(declarations.get(e.typeName) ?? []), e]);
  }
  const fileOf = (service: string): string => plans.find((p) => p.service === service)?.file ?? service;
  const configOf = (service: string): ServiceConfig => plans.find((p) => p.service === service)?.config as ServiceConfig;

  const owners = new Map<string, EntityOwner>();
  for (const [typeName, decls] of declarations) {
    const owning = decls.filter((d) => d.load !== undefined);
    const first = decls[0] as EntityDeclaration;
    if (owning.length === 0) {
      throw sdlError(first.node, `${typeName} is an @entity, but no service owns it: exactly one file must say how to load it, with @entity(batchPath: ...) or @entity(path: ...)`);
    }
    if (owning.length > 1) {
      throw sdlError(owning[1]?.node, `${typeName} is owned twice (${owning.map((d) => fileOf(d.service)).join(' and ')}): only one service may load it; declare it elsewhere as @entity(key: "${first.keyField}") with its key field only`);
    }
    const owner = owning[0] as EntityDeclaration;
    for (const d of decls) {
      if (d.keyField !== owner.keyField) {
        throw sdlError(d.node, `${typeName} has key "${d.keyField}" here but "${owner.keyField}" in ${fileOf(owner.service)}; an entity has one key`);
      }
    }
    const config = configOf(owner.service);
    owners.set(typeName, {
      typeName,
      service: owner.service,
      keyField: owner.keyField,
      load: owner.load as EntityOwner['load'],
      maxBatchSize: config.maxBatchSize,
      maxUrlLength: config.maxUrlLength,
      maxConcurrency: config.maxConcurrency,
      weight: plans.find((p) => p.service === owner.service)?.typeWeights.get(typeName) ?? 1,
      map: plans.find((p) => p.service === owner.service)?.mappers.type(typeName),
      errors: config.errors,
    });
  }

  // A type that is an entity somewhere must be declared as one everywhere, or its fields would have no source.
  for (const plan of plans) {
    for (const def of plan.publicDocument.definitions) {
      if ((def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) && owners.has(def.name.value)) {
        if (!plan.entities.some((e) => e.typeName === def.name.value)) {
          throw new ConfigError(
            `${plan.file}: ${def.name.value} is an entity owned by ${fileOf(owners.get(def.name.value)?.service as string)}; declare it here as ${def.name.value} @entity(key: "${owners.get(def.name.value)?.keyField}")`,
          );
        }
      }
    }
  }
  return owners;
}
