// The worst case of one operation in REST calls and items, before any call is made, from each field's
// REST plan (the cost model): a plain @rest field makes a call per parent object, a @batch field a call
// per batch of parents, an @ref field a call per batch of keys through the owner's loader; @cost weighs
// calls. Lists are as long as their slicing argument says (@listSize), else their assumed size. Fields
// are merged by response key as execution merges them, and every fragment's fields count under each
// type they may apply to, so the estimate is an upper bound on what execution can do.
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  valueFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { CostModel, FieldCost } from '../../sdl/cost-model.ts';

export interface CostEstimate {
  /** REST calls, weighted by @cost. */
  calls: number;
  /** Objects and list entries the operation can return. */
  items: number;
}

/** A field whose @listSize asks for exactly one slicing argument and got another number. */
export class SlicingArgumentError extends Error {}

interface Group {
  name: string;
  parentType: GraphQLCompositeType;
  nodes: FieldNode[];
}

export interface EstimateInput {
  schema: GraphQLSchema;
  model: CostModel;
  operation: OperationDefinitionNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Readonly<Record<string, unknown>> | undefined;
  defaultListSize: number;
}

export function estimateCost({ schema, model, operation, fragments, variables, defaultListSize }: EstimateInput): CostEstimate {
  const total: CostEstimate = { calls: 0, items: 0 };
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!root) return total;

  /** The field's selections merged by response key, through fragments, as execution collects them. */
  const collect = (sets: ReadonlyArray<{ set: SelectionSetNode; type: GraphQLCompositeType }>): Map<string, Group> => {
    const groups = new Map<string, Group>();
    const visit = (set: SelectionSetNode, type: GraphQLCompositeType, seen: Set<string>): void => {
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          const key = s.alias?.value ?? s.name.value;
          const group = groups.get(key);
          if (group) group.nodes.push(s);
          else groups.set(key, { name: s.name.value, parentType: type, nodes: [s] });
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          const on = s.typeCondition ? schema.getType(s.typeCondition.name.value) : type;
          visit(s.selectionSet, isCompositeType(on) ? on : type, seen);
        } else if (!seen.has(s.name.value)) {
          const fragment = fragments.get(s.name.value);
          if (!fragment) continue;
          const on = schema.getType(fragment.typeCondition.name.value);
          visit(fragment.selectionSet, isCompositeType(on) ? on : type, new Set(seen).add(s.name.value));
        }
      }
    };
    for (const { set, type } of sets) visit(set, type, new Set());
    return groups;
  };

  const costOf = (type: GraphQLCompositeType, name: string): FieldCost | undefined => {
    if (isObjectType(type)) return model.get(`${type.name}.${name}`);
    // On an abstract type, the dearest of the types it may be.
    let dearest: FieldCost | undefined;
    for (const t of isAbstractType(type) ? schema.getPossibleTypes(type) : []) {
      const c = model.get(`${t.name}.${name}`);
      if (c && (!dearest || c.weight > dearest.weight || (dearest.calls === 'none' && c.calls !== 'none'))) dearest = c;
    }
    return dearest;
  };

  const argumentValue = (node: FieldNode, field: GraphQLField<unknown, unknown>, name: string): unknown => {
    const def = field.args.find((a) => a.name === name);
    if (!def) return undefined;
    const given = node.arguments?.find((a) => a.name.value === name);
    if (!given) return def.defaultValue;
    return given.value.kind === Kind.VARIABLE ? (variables?.[given.value.name.value] ?? variableDefault(operation, given.value.name.value, def.type)) : valueFromAST(given.value, def.type);
  };
  const argument = (node: FieldNode, field: GraphQLField<unknown, unknown>, name: string): number | undefined => {
    const value = argumentValue(node, field, name);
    return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : undefined;
  };

  /** How many entries the field's list may hold. */
  const sizeOf = (cost: FieldCost | undefined, node: FieldNode, field: GraphQLField<unknown, unknown>): number => {
    if (cost?.keysArgument !== undefined) {
      const keys = argumentValue(node, field, cost.keysArgument);
      if (Array.isArray(keys)) return keys.length;
    }
    const listSize = cost?.listSize;
    if (!listSize) return defaultListSize;
    const given = listSize.slicingArguments.map((name) => argument(node, field, name)).filter((n): n is number => n !== undefined);
    if (listSize.requireOneSlicingArgument && listSize.slicingArguments.length > 0 && given.length !== 1) {
      throw new SlicingArgumentError(
        `${field.name} needs exactly one of its slicing arguments (${listSize.slicingArguments.join(', ')}) to estimate its size; got ${given.length}`,
      );
    }
    return given.length > 0 ? Math.max(...given) : (listSize.assumedSize ?? defaultListSize);
  };

  const callsOf = (cost: FieldCost | undefined, parents: number, keys: number, size: number): number => {
    if (!cost || parents === 0) return 0;
    let calls: number;
    switch (cost.calls) {
      case 'none':
        return 0;
      case 'perParent':
        // A paginated field makes a call per page it needs, up to its cap.
        calls = cost.pages ? parents * Math.min(cost.pages.max, Math.max(1, Math.ceil(size / cost.pages.size))) : parents;
        break;
      case 'perParentBatch':
        calls = Math.ceil(parents / cost.batchSize);
        break;
      case 'perKeyBatch':
        calls = Math.ceil(keys / cost.batchSize);
        break;
    }
    calls *= cost.weight;
    if (cost.completion && keys > 0) calls += Math.ceil(keys / cost.completion.batchSize) * cost.completion.weight;
    return calls;
  };

  const walk = (groups: Map<string, Group>, parents: number, sized: { fields: ReadonlySet<string>; size: number } | undefined): void => {
    for (const group of groups.values()) {
      if (group.name.startsWith('__')) continue; // __typename is free; introspection makes no REST call
      const { parentType, nodes } = group;
      if (!('getFields' in parentType)) continue; // a union has no fields of its own but __typename
      const field = parentType.getFields()[group.name] as GraphQLField<unknown, unknown> | undefined;
      if (!field) continue;
      const node = nodes[0] as FieldNode;
      const cost = costOf(parentType, group.name);
      const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
      const ownsSizedFields = (cost?.listSize?.sizedFields.length ?? 0) > 0;
      let size = 1;
      if (sized?.fields.has(group.name)) size = sized.size;
      else if (isListType(unwrapped) && !ownsSizedFields) size = sizeOf(cost, node, field);
      const items = parents * size;
      total.calls += callsOf(cost, parents, items, ownsSizedFields ? sizeOf(cost, node, field) : size);
      const named = getNamedType(field.type);
      if (isListType(unwrapped) || isCompositeType(named)) total.items += items;
      if (!isCompositeType(named)) continue;
      const children = collect(nodes.filter((n) => n.selectionSet).map((n) => ({ set: n.selectionSet as SelectionSetNode, type: named })));
      walk(children, items, ownsSizedFields ? { fields: new Set(cost!.listSize!.sizedFields), size: sizeOf(cost, node, field) } : undefined);
    }
  };

  walk(collect([{ set: operation.selectionSet, type: root }]), 1, undefined);
  return total;
}

function variableDefault(operation: OperationDefinitionNode, name: string, type: Parameters<typeof valueFromAST>[1]): unknown {
  const def = operation.variableDefinitions?.find((v) => v.variable.name.value === name);
  return def?.defaultValue ? valueFromAST(def.defaultValue, type) : undefined;
}
