// Turns one validated SDL file into plans: which REST call or entity lookup resolves each field, which
// types are entities (and whether this service owns them), and which fields are internal. Every rule a
// directive can break is checked here, with an error at file:line:col.
import {
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  visit,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
} from 'graphql';
import type { ServiceConfig } from '../config/config-schema.ts';
import {
  findDirective,
  readBatch,
  readEntity,
  readRef,
  readRest,
  type BatchKeys,
  type RestMethod,
} from './directives/rest-directives.ts';
import { readPolicy, type AccessPolicy } from './directives/auth-directives.ts';
import { readRateLimit } from './directives/rate-limit-directive.ts';
import { GATEWAY_DIRECTIVE_NAMES } from './directives/gateway-directives.ts';
import { planFieldCost, planTypeWeight, type DeclaredCost } from './plan-cost.ts';
import { planDiscriminators, type Discriminator } from './plan-discriminator.ts';
import { planMappings, type ServiceMappers } from './plan-mappings.ts';
import { connectionTypes, planPagination, type PaginationPlan } from './plan-pagination.ts';
import { ConfigError, gatewayGraphQLError } from '../errors.ts';
import type { EntityOwner } from './entity-owner.ts';
import type { Mapper } from './selection-map.ts';
import { DURATION_EXAMPLES, parseDuration } from '../config/units.ts';
import type { LoadedSubgraph } from './load-subgraphs.ts';
import { sdlError } from './sdl-error.ts';
import {
  compilePath,
  compileQuery,
  compileString,
  compileValue,
  placeholdersOf,
  TemplateError,
  type Getter,
  type Placeholder,
  type TemplateRoot,
  type TemplateScope,
} from './template.ts';

export interface ReturnShape {
  /** The named type, e.g. "Movie" for [Movie!]!. */
  named: string;
  list: boolean;
  nonNull: boolean;
  nonNullItem: boolean;
}

export interface RestFieldPlan {
  kind: 'rest';
  service: string;
  typeName: string;
  fieldName: string;
  method: RestMethod;
  path: (scope: TemplateScope) => string | undefined;
  /** The path as written ("/users/{args.id}"): what names the call in traces. */
  route: string;
  query: ((scope: TemplateScope) => string) | undefined;
  body: Getter | undefined;
  select: string[] | undefined;
  /** Present when @batch merges this field's calls across parents. */
  batch: RestBatchPlan | undefined;
  /** How the answer's JSON becomes the field's objects (@rest(map:), else the type's @map). */
  map: Mapper | undefined;
  /** The field's own headers (@rest(headers:)); never one the gateway owns. */
  headers: ((scope: TemplateScope) => Record<string, string>) | undefined;
  /** The field's value as a template over the answer (@rest(value:)), instead of the answer's body. */
  value: Getter | undefined;
  /** Present when the list comes in pages (@paginate). */
  pagination: PaginationPlan | undefined;
  returns: ReturnShape;
}

export interface RestBatchPlan {
  /** The query parameter that carries the keys. */
  param: string;
  /** The key of one parent (what `param` reads). */
  key: Getter;
  /** The rest of the query string, without `param`: "?limit=5" or "". */
  otherQuery: (scope: TemplateScope) => string;
  /** The item field the answer is split by. */
  groupBy: string;
  /** How the keys are sent. */
  keys: BatchKeys;
}

export interface RefFieldPlan {
  kind: 'ref';
  service: string;
  typeName: string;
  fieldName: string;
  key: Getter;
  /** The list argument the keys come from ("{args.ids}"): the operation itself says how many there are. */
  keyArgument: string | undefined;
  returns: ReturnShape;
  node: ConstDirectiveNode;
}

export type FieldPlan = RestFieldPlan | RefFieldPlan;

export interface EntityDeclaration {
  typeName: string;
  service: string;
  keyField: string;
  /** How the owner loads it; undefined in a declaration that only refers to another service's entity. */
  load: EntityOwner['load'] | undefined;
  node: ConstDirectiveNode;
}

export interface SubgraphPlan {
  service: string;
  file: string;
  config: ServiceConfig;
  /** The file's definitions without the REST directives: what goes into the public schema. */
  publicDocument: DocumentNode;
  fields: FieldPlan[];
  entities: EntityDeclaration[];
  /** "Type.field" names hidden from the public schema. */
  internal: string[];
  /** Access policies declared on types (by name) and fields ("Type.field"). */
  policies: { types: Map<string, AccessPolicy>; fields: Map<string, AccessPolicy> };
  /** @rateLimit budgets by "Type.field", with the declaration for start-up errors. */
  rateLimits: Map<string, { max: number; windowMs: number; node: ConstDirectiveNode }>;
  /** @cost and @listSize by "Type.field". */
  costs: Map<string, DeclaredCost>;
  /** @cost on the entity types this service loads: the weight of each batch call. */
  typeWeights: Map<string, number>;
  /** How answers pick their type, for each union and interface of the file. */
  discriminators: Discriminator[];
  /** How this service's JSON becomes the fields of its types (@map). */
  mappers: ServiceMappers;
}

const ROOT_TYPES = new Set(['Query', 'Mutation']);
const SELECT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function returnShape(type: GraphQLOutputType): ReturnShape {
  const nonNull = isNonNullType(type);
  const inner = nonNull ? type.ofType : type;
  const list = isListType(inner);
  return {
    named: getNamedType(type).name,
    list,
    nonNull,
    nonNullItem: list && isNonNullType(inner.ofType),
  };
}

/** `owned`: the headers the gateway sets itself on this service's calls, which no field may set. */
export function planSubgraph(loaded: LoadedSubgraph, config: ServiceConfig, owned: ReadonlySet<string> = new Set()): SubgraphPlan {
  const { schema, service } = loaded;
  const plan: SubgraphPlan = {
    service,
    file: loaded.file,
    config,
    publicDocument: stripRestDirectives(loaded.document),
    fields: [],
    entities: [],
    internal: [],
    policies: { types: new Map(), fields: new Map() },
    rateLimits: new Map(),
    costs: new Map(),
    typeWeights: new Map(),
    discriminators: planDiscriminators(schema),
    mappers: planMappings(schema),
  };
  if (schema.getSubscriptionType()) throw sdlError(schema.getSubscriptionType()?.astNode, 'subscriptions are not supported on REST-wrapped subgraphs');

  // Only the file's own object types: the directive definitions add none.
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const entity = planEntity(type, service);
    if (entity) plan.entities.push(entity);
    const typeWeight = planTypeWeight(type, entity?.load !== undefined);
    if (typeWeight !== undefined) plan.typeWeights.set(type.name, typeWeight);
    const typePolicy = readPolicy(type.astNode?.directives);
    if (typePolicy) {
      if (ROOT_TYPES.has(type.name)) throw sdlError(typePolicy.node, `put access directives on the fields of ${type.name}, not on the type`);
      checkPolicy(typePolicy);
      plan.policies.types.set(type.name, typePolicy);
    }
    const root = ROOT_TYPES.has(type.name);
    for (const field of Object.values(type.getFields())) {
      const directives = field.astNode?.directives;
      const rest = findDirective(directives, 'rest');
      const ref = findDirective(directives, 'ref');
      const batch = findDirective(directives, 'batch');
      const internal = findDirective(directives, 'internal');
      const where = `${type.name}.${field.name}`;
      if (rest && ref) throw sdlError(ref, `${where} has both @rest and @ref; a field is resolved one way`);
      if (internal && (rest || ref)) throw sdlError(internal, `${where} is @internal, so it cannot also be resolved with @rest or @ref`);
      if (batch && !rest) throw sdlError(batch, `${where}: @batch goes with @rest, the call it batches`);
      if (internal && root) throw sdlError(internal, `${where}: root fields cannot be @internal`);
      if (internal) plan.internal.push(where);
      const policy = readPolicy(directives);
      if (policy) {
        if (internal) throw sdlError(policy.node, `${where} is @internal: it is never public, so it needs no access rule`);
        checkPolicy(policy, field);
        plan.policies.fields.set(where, policy);
      }
      const limit = readRateLimit(directives);
      if (limit) {
        if (internal) throw sdlError(limit.node, `${where} is @internal: it is never public, so it needs no rate limit`);
        if (limit.max < 1) throw sdlError(limit.node, '@rateLimit: max is at least 1');
        const windowMs = parseDuration(limit.window);
        if (windowMs === undefined) throw sdlError(limit.node, `@rateLimit(window): expected a duration such as ${DURATION_EXAMPLES}, got ${JSON.stringify(limit.window)}`);
        if (windowMs < 1) throw sdlError(limit.node, '@rateLimit: a window is at least 1ms');
        plan.rateLimits.set(where, { max: limit.max, windowMs, node: limit.node });
      }
      const declaredCost = planFieldCost(type, field, Boolean(rest || ref));
      if (declaredCost) plan.costs.set(where, declaredCost);
      const paginate = findDirective(directives, 'paginate');
      if (paginate && !rest) throw sdlError(paginate, `${where}: @paginate goes with @rest, the call whose answers come in pages`);
      if (rest) plan.fields.push(planRest(rest, batch, type, field, service, root, plan.mappers, owned, paginate));
      else if (ref) plan.fields.push(planRef(ref, type, field, service, root, schema.getType.bind(schema)));
      else if (root) throw sdlError(field.astNode, `${where} needs @rest or @ref: a root field has no parent to read from`);
      else if (entity && !entity.load && field.name !== entity.keyField && !internal) {
        throw sdlError(
          field.astNode,
          `${where}: another service owns ${type.name}, so this file may declare only its key field "${entity.keyField}" and fields resolved with @rest or @ref`,
        );
      }
    }
  }
  plan.publicDocument = withConnections(plan.publicDocument, plan.fields);
  return plan;
}

/** The public document with each connection field's type swapped for its generated Relay connection. */
function withConnections(document: DocumentNode, fields: readonly FieldPlan[]): DocumentNode {
  const connections = new Map<string, string>();
  for (const f of fields) if (f.kind === 'rest' && f.pagination?.connection) connections.set(`${f.typeName}.${f.fieldName}`, f.pagination.item);
  if (connections.size === 0) return document;
  let typeName = '';
  const rewritten = visit(document, {
    [Kind.OBJECT_TYPE_DEFINITION]: { enter: (node) => void (typeName = node.name.value) },
    [Kind.OBJECT_TYPE_EXTENSION]: { enter: (node) => void (typeName = node.name.value) },
    [Kind.FIELD_DEFINITION]: (node) => {
      const item = connections.get(`${typeName}.${node.name.value}`);
      if (!item) return undefined;
      const named = { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: `${item}Connection` } } as const;
      return { ...node, type: node.type.kind === Kind.NON_NULL_TYPE ? { kind: Kind.NON_NULL_TYPE, type: named } : named };
    },
  });
  const declared = new Set(document.definitions.flatMap((d) => ('name' in d && d.name ? [d.name.value] : [])));
  const items = [...new Set(connections.values())];
  const generated = items.flatMap((item, i) => connectionTypes(item, i === 0 && !declared.has('PageInfo')));
  for (const d of generated) {
    if ('name' in d && d.name && declared.has(d.name.value)) throw new ConfigError(`${d.name.value} is generated for @paginate(connection: true); the file must not declare it`);
  }
  return { ...rewritten, definitions: [...rewritten.definitions, ...generated] };
}

/** Scope sets that can be met, and an owner argument the field has. */
function checkPolicy(policy: AccessPolicy, field?: GraphQLField<unknown, unknown>): void {
  for (const sets of policy.scopes) {
    if (sets.length === 0 || sets.some((set) => set.length === 0)) throw sdlError(policy.node, '@requiresScopes: every scope set lists at least one scope, e.g. [["movies:write"]]');
  }
  if (policy.owner && field) {
    const arg = field.args.find((a) => a.name === policy.owner![0]);
    if (!arg) throw sdlError(policy.node, `@owner(argument: "${policy.owner.join('.')}"): the field has no argument "${policy.owner[0]}"`);
  }
}

function planEntity(type: GraphQLObjectType, service: string): EntityDeclaration | undefined {
  const node = findDirective(type.astNode?.directives, 'entity');
  if (!node) return undefined;
  const e = readEntity(node);
  const keyField = type.getFields()[e.key];
  if (!keyField) throw sdlError(node, `@entity(key: "${e.key}"): ${type.name} has no field "${e.key}"`);
  if (!isScalarType(getNamedType(keyField.type)) || isListType(isNonNullType(keyField.type) ? keyField.type.ofType : keyField.type)) {
    throw sdlError(node, `@entity(key: "${e.key}"): the key must be a single scalar (ID, String or Int)`);
  }
  if (e.batchPath && e.path) throw sdlError(node, '@entity takes batchPath or path, not both');
  const given = (name: string): boolean => node.arguments?.some((a) => a.name.value === name) ?? false;
  if (!e.batchPath && (given('keys') || given('match') || given('batchParam'))) throw sdlError(node, '@entity: batchParam, keys and match describe a batch endpoint: give batchPath too');
  let load: EntityDeclaration['load'];
  try {
    if (e.batchPath) {
      if (placeholdersOf(e.batchPath, ['key']).length > 0) throw new TemplateError('batchPath has no placeholders: the keys go in the batchParam query parameter');
      compilePath(e.batchPath, []);
      load = { batchPath: e.batchPath, batchParam: e.batchParam, keys: e.keys, match: e.match };
    } else if (e.path) {
      if (!placeholdersOf(e.path, ['key']).some((p) => p.root === 'key')) throw new TemplateError(`path must hold {key}, e.g. "/${type.name.toLowerCase()}s/{key}"`);
      load = { path: compilePath(e.path, ['key']), route: e.path };
    }
  } catch (err) {
    if (err instanceof TemplateError) throw sdlError(node, `@entity: ${err.message}`);
    throw err;
  }
  return { typeName: type.name, service, keyField: e.key, load, node };
}

const HEADER = /^[a-z0-9][a-z0-9-]*$/;

/** A field's headers: names checked at start-up, values filled per call; a value with a line break is refused. */
function compileHeaders(template: unknown, roots: TemplateRoot[], owned: ReadonlySet<string>): (scope: TemplateScope) => Record<string, string> {
  const shape = 'headers is a list such as [{ name: "accept-language", value: "{args.lang}" }]';
  if (!Array.isArray(template)) throw new TemplateError(shape);
  const entries = template.map((pair: unknown) => {
    const { name, value, ...rest } = (pair !== null && typeof pair === 'object' ? pair : {}) as { name?: unknown; value?: unknown };
    if (typeof name !== 'string' || Object.keys(rest).length > 0) throw new TemplateError(shape);
    const header = name.toLowerCase();
    if (!HEADER.test(header)) throw new TemplateError(`headers: "${name}" is not a header name`);
    if (owned.has(header)) throw new TemplateError(`headers: ${header} is set by the gateway itself`);
    if (typeof value !== 'string') throw new TemplateError(`headers: the value of ${header} is a string template`);
    return [header, compileString(value, roots)] as const;
  });
  return (scope) => {
    const out: Record<string, string> = {};
    for (const [header, get] of entries) {
      const value = get(scope);
      if (value === undefined || value === null) continue;
      const text = String(value);
      if (/[\r\n\0]/.test(text)) throw gatewayGraphQLError('BAD_USER_INPUT', `the value for header ${header} holds a line break or NUL`);
      out[header] = text;
    }
    return out;
  };
}

/** Checks that every placeholder names an argument of the field or a field of the parent type. */
function checkPlaceholders(holders: Placeholder[], type: GraphQLObjectType, field: GraphQLField<unknown, unknown>, node: ConstDirectiveNode, inPath: boolean): void {
  for (const p of holders) {
    const name = p.path[0] as string;
    if (p.root === 'args') {
      const arg = field.args.find((a) => a.name === name);
      if (!arg) throw sdlError(node, `${p.text}: ${type.name}.${field.name} has no argument "${name}" (arguments: ${field.args.map((a) => a.name).join(', ') || 'none'})`);
      if (inPath && !isNonNullType(arg.type) && arg.defaultValue === undefined) {
        throw sdlError(node, `${p.text} is in the path, so argument "${name}" must be non-null (${name}: ${String(arg.type)}!) or have a default`);
      }
    } else if (p.root === 'parent') {
      if (!type.getFields()[name]) throw sdlError(node, `${p.text}: ${type.name} has no field "${name}" in this file`);
    }
  }
}

function planBatch(node: ConstDirectiveNode, rest: ReturnType<typeof readRest>, where: string, roots: TemplateRoot[], returns: ReturnShape): RestBatchPlan {
  const { param, groupBy, keys } = readBatch(node);
  if (keys === 'BODY') throw sdlError(node, `@batch on ${where}: keys: BODY needs a POST, and @batch batches GETs; use JOINED, REPEATED or BRACKETED`);
  const query = (rest.query ?? {}) as Record<string, unknown>;
  const template = query[param];
  if (typeof template !== 'string') throw sdlError(node, `@batch on ${where}: the @rest query has no parameter "${param}" to carry the keys`);
  const holders = placeholdersOf(template, roots);
  if (holders.length !== 1 || template.trim() !== holders[0]?.text || holders[0].root !== 'parent') {
    throw sdlError(node, `@batch on ${where}: parameter "${param}" must read one parent field, e.g. "{parent.id}", got "${template}"`);
  }
  if (rest.method !== 'GET') throw sdlError(node, `@batch on ${where}: only GET calls are batched`);
  if (!returns.list) throw sdlError(node, `@batch on ${where}: the field must return a list, which the answer is split into`);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(groupBy)) throw sdlError(node, `@batch on ${where}: groupBy names one field of the items, got "${groupBy}"`);
  const others = Object.fromEntries(Object.entries(query).filter(([name]) => name !== param));
  return { param, key: compileString(template, roots), otherQuery: compileQuery(others, roots), groupBy, keys };
}

function planRest(
  node: ConstDirectiveNode,
  batchNode: ConstDirectiveNode | undefined,
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  service: string,
  root: boolean,
  mappers: ServiceMappers,
  owned: ReadonlySet<string>,
  paginateNode?: ConstDirectiveNode,
): RestFieldPlan {
  const rest = readRest(node);
  const roots: TemplateRoot[] = root ? ['args'] : ['args', 'parent'];
  try {
    const plan: RestFieldPlan = {
      kind: 'rest',
      service,
      typeName: type.name,
      fieldName: field.name,
      method: rest.method,
      path: compilePath(rest.path, roots),
      route: rest.path,
      query: rest.query === undefined ? undefined : compileQuery(rest.query, roots),
      body: rest.body === undefined ? undefined : compileValue(rest.body, roots),
      select: undefined,
      batch: undefined,
      map: mappers.field(type, field.name, rest.map, node),
      headers: rest.headers === undefined ? undefined : compileHeaders(rest.headers, roots, owned),
      value: rest.value === undefined ? undefined : compileString(rest.value, [...roots, 'response']),
      pagination: paginateNode && planPagination(paginateNode, type, field, roots),
      returns: returnShape(field.type),
    };
    checkPlaceholders(placeholdersOf(rest.path, roots), type, field, node, true);
    checkPlaceholders(placeholdersOf(rest.query, roots), type, field, node, false);
    checkPlaceholders(placeholdersOf(rest.body, roots), type, field, node, false);
    checkPlaceholders(placeholdersOf(rest.headers, roots), type, field, node, false);
    if (rest.value !== undefined) {
      checkPlaceholders(placeholdersOf(rest.value, [...roots, 'response']), type, field, node, false);
      if (rest.select !== undefined || rest.map !== undefined || batchNode) throw new TemplateError('value gives the field\'s value itself: it goes without select, map and @batch');
    }
    if (rest.body !== undefined && (rest.method === 'GET' || rest.method === 'DELETE')) {
      throw new TemplateError(`a ${rest.method} call carries no body`);
    }
    if (rest.select !== undefined) {
      if (!SELECT.test(rest.select)) throw new TemplateError(`select is a dotted path such as "data.items", got "${rest.select}"`);
      plan.select = rest.select.split('.');
    }
    if (batchNode) plan.batch = planBatch(batchNode, rest, `${type.name}.${field.name}`, roots, plan.returns);
    if (paginateNode && (rest.method !== 'GET' || batchNode || rest.value !== undefined)) throw new TemplateError('@paginate pages a GET list: it goes without @batch and value');
    return plan;
  } catch (err) {
    if (err instanceof TemplateError) throw sdlError(node, `@rest on ${type.name}.${field.name}: ${err.message}`);
    throw err;
  }
}

function planRef(
  node: ConstDirectiveNode,
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  service: string,
  root: boolean,
  getType: (name: string) => unknown,
): RefFieldPlan {
  const ref = readRef(node);
  const where = `@ref on ${type.name}.${field.name}`;
  const roots: TemplateRoot[] = root ? ['args'] : ['args', 'parent'];
  let holders: Placeholder[];
  try {
    holders = placeholdersOf(ref.key, roots);
  } catch (err) {
    if (err instanceof TemplateError) throw sdlError(node, `${where}: ${err.message}`);
    throw err;
  }
  const holder = holders[0];
  if (holders.length !== 1 || !holder || ref.key.trim() !== holder.text || holder.path.length !== 1) {
    throw sdlError(node, `${where}: key is one placeholder such as "{parent.directorId}" or "{args.id}", got "${ref.key}"`);
  }
  checkPlaceholders(holders, type, field, node, false);
  const returns = returnShape(field.type);
  const target = getType(returns.named);
  if (!isObjectType(target) || !findDirective(target.astNode?.directives, 'entity')) {
    throw sdlError(node, `${where}: ${returns.named} is not an @entity in this file; declare it, e.g. type ${returns.named} @entity(key: "id") { id: ID! }`);
  }
  const name = holder.path[0] as string;
  const source = holder.root === 'args' ? field.args.find((a) => a.name === name)?.type : type.getFields()[name]?.type;
  const sourceIsList = source !== undefined && isListType(isNonNullType(source) ? source.ofType : source);
  if (sourceIsList !== returns.list) {
    throw sdlError(node, `${where}: ${holder.text} is ${sourceIsList ? 'a list' : 'a single value'}, so the field must return ${sourceIsList ? 'a list' : 'a single'} ${returns.named}`);
  }
  const keyArgument = holder.root === 'args' && returns.list ? name : undefined;
  return { kind: 'ref', service, typeName: type.name, fieldName: field.name, key: compileString(ref.key, roots), keyArgument, returns, node };
}

/** The file's definitions with the gateway's directive usages removed, for the public schema. */
function stripRestDirectives(document: DocumentNode): DocumentNode {
  return visit(document, {
    [Kind.DIRECTIVE]: (node) => (GATEWAY_DIRECTIVE_NAMES.has(node.name.value) ? null : undefined),
  });
}
