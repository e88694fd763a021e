// Reads and checks a field's cost directives (@cost, @listSize) against the field they sit on: slicing
// arguments must be Int arguments of the field, sized fields list fields of the returned type, a size
// goes on a list (or on an object with sizedFields), and a weight on a field that makes REST calls.
import { getNamedType, isListType, isNonNullType, isObjectType, type GraphQLField, type GraphQLObjectType, type GraphQLOutputType } from 'graphql';
import { readCost, readListSize, type ListSize } from './directives/cost-directives.ts';
import { sdlError } from './sdl-error.ts';

export interface DeclaredCost {
  weight: number | undefined;
  listSize: ListSize | undefined;
}

const isList = (type: GraphQLOutputType): boolean => isListType(isNonNullType(type) ? type.ofType : type);

export function planFieldCost(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>, resolvedByRest: boolean): DeclaredCost | undefined {
  const where = `${type.name}.${field.name}`;
  const directives = field.astNode?.directives;
  const cost = readCost(directives);
  const listSize = readListSize(directives);
  if (!cost && !listSize) return undefined;
  if (cost) {
    if (cost.weight < 0) throw sdlError(cost.node, `@cost on ${where}: weight is 0 or more`);
    if (!resolvedByRest) throw sdlError(cost.node, `@cost on ${where}: the field makes no REST call (it has no @rest or @ref), so it has no calls to weigh`);
  }
  if (listSize) {
    const node = listSize.node;
    const target = getNamedType(field.type);
    if (listSize.sizedFields.length > 0) {
      if (!isObjectType(target)) throw sdlError(node, `@listSize on ${where}: sizedFields name fields of an object type, and ${target.name} is not one`);
      for (const name of listSize.sizedFields) {
        const sized = target.getFields()[name];
        if (!sized || !isList(sized.type)) throw sdlError(node, `@listSize on ${where}: sizedFields "${name}" is not a list field of ${target.name}`);
      }
    } else if (!isList(field.type)) {
      throw sdlError(node, `@listSize on ${where}: the field does not return a list (give sizedFields to size a list inside it)`);
    }
    if (listSize.assumedSize !== undefined && listSize.assumedSize < 0) throw sdlError(node, `@listSize on ${where}: assumedSize is 0 or more`);
    for (const name of listSize.slicingArguments) {
      const arg = field.args.find((a) => a.name === name);
      if (!arg) throw sdlError(node, `@listSize on ${where}: slicing argument "${name}" is not an argument of the field (arguments: ${field.args.map((a) => a.name).join(', ') || 'none'})`);
      if (getNamedType(arg.type).name !== 'Int' || isList(arg.type as GraphQLOutputType)) throw sdlError(node, `@listSize on ${where}: slicing argument "${name}" must be an Int`);
    }
    if (listSize.slicingArguments.length === 0 && listSize.assumedSize === undefined) {
      throw sdlError(node, `@listSize on ${where}: give slicingArguments or assumedSize`);
    }
  }
  return { weight: cost?.weight, listSize };
}

/** @cost on an entity type: the weight of each batch call that loads it. */
export function planTypeWeight(type: GraphQLObjectType, isEntityOwner: boolean): number | undefined {
  const cost = readCost(type.astNode?.directives);
  if (!cost) return undefined;
  if (cost.weight < 0) throw sdlError(cost.node, `@cost on ${type.name}: weight is 0 or more`);
  if (!isEntityOwner) throw sdlError(cost.node, `@cost on ${type.name}: only the service that loads an entity (@entity with batchPath or path) can weigh its calls`);
  return cost.weight;
}
