// An operation compiled once into what it needs at run time: for each selection, its fields in answer
// order with the JSON key each writes, how each gets its value (a property of its parent, one batched
// entity load for all its parents, or a call per parent) and how the value is written. Only what the
// compiled path runs faster and exactly as graphql-js would is compiled (guarded fields included: their
// guard runs first); anything else (mutations, abstract types, introspection, @skip/@include on
// variables) answers undefined and runs on the general executor.
import {
  getArgumentValues,
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  visit,
  BREAK,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLLeafType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields.js';
import { GUARDED_RESOLUTIONS, READ_ONLY_RESOLVERS, REF_RESOLUTIONS } from '../resolvers/resolver-context.ts';
import { generateBuilder, leafShape, listShape, nonNullShape, objectShape, type Builder, type CompiledField, type CompiledSelection, type FieldSource, type Guard, type ValueShape } from './build-answer.ts';

export type { CompiledField, CompiledSelection, ValueShape } from './build-answer.ts';

export interface CompiledOperation {
  operation: OperationDefinitionNode;
  root: CompiledSelection;
  /** The root selection's builder, generated with the rest at compile time. */
  buildRoot: Builder;
}

/** Why a selection cannot be compiled (thrown inside the compiler, caught at its entry). */
class NotCompiled extends Error {}

function hasVariableDirective(operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>): boolean {
  let found = false;
  const check = (node: OperationDefinitionNode | FragmentDefinitionNode): void => {
    visit(node, {
      Directive(d) {
        if (d.arguments?.some((a) => a.value.kind !== Kind.BOOLEAN)) {
          found = true;
          return BREAK;
        }
        return undefined;
      },
    });
  };
  check(operation);
  for (const f of Object.values(fragments)) if (!found) check(f);
  return found;
}

function usesVariable(node: FieldNode): boolean {
  let found = false;
  for (const argument of node.arguments ?? []) {
    visit(argument.value, {
      Variable() {
        found = true;
        return BREAK;
      },
    });
  }
  return found;
}

function sourceOf(parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>): FieldSource {
  type Resolve = (parent: unknown, args: Record<string, unknown>, context: unknown) => unknown;
  let resolve = field.resolve as Resolve | undefined;
  // Guards (access rule outermost, then rate limit) run before the field's own source, in that order.
  const guards: Guard[] = [];
  for (let wrapped = resolve && GUARDED_RESOLUTIONS.get(resolve as never); wrapped; wrapped = resolve && GUARDED_RESOLUTIONS.get(resolve as never)) {
    guards.push(wrapped.before);
    resolve = wrapped.inner as Resolve | undefined;
  }
  const guard: Guard | undefined = guards.length === 0 ? undefined : guards.length === 1 ? guards[0] : async (args, context) => {
    for (const g of guards) await g(args, context);
  };
  if (!resolve) return { kind: 'property', guard };
  const ref = REF_RESOLUTIONS.get(resolve as never);
  if (ref) return { kind: 'ref', ref, guard };
  if (READ_ONLY_RESOLVERS.has(resolve as never)) return { kind: 'call', resolve, guard };
  throw new NotCompiled(`${parent.name}.${field.name} has a resolver the compiled path does not run`);
}

function shapeOf(type: GraphQLOutputType, nodes: readonly FieldNode[], compile: (type: GraphQLObjectType, nodes: readonly FieldNode[]) => CompiledSelection): ValueShape {
  if (isNonNullType(type)) return nonNullShape(shapeOf(type.ofType, nodes, compile));
  if (isListType(type)) return listShape(shapeOf(type.ofType, nodes, compile));
  if (isLeafType(type)) return leafShape(type);
  if (isObjectType(type)) return objectShape(compile(type, nodes));
  throw new NotCompiled(`${getNamedType(type).name} is abstract`);
}

/** The compiled operation, or undefined when some part of it runs only on the general executor. */
export function compileOperation(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): CompiledOperation | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  const queryType = schema.getQueryType();
  if (!operation || operation.operation !== 'query' || !queryType) return undefined;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  if (hasVariableDirective(operation, fragments)) return undefined;

  const compileSelection = (type: GraphQLObjectType, grouped: Map<string, readonly FieldNode[]>): CompiledSelection => {
    const fields: CompiledField[] = [];
    for (const [key, nodes] of grouped) {
      const node = nodes[0]!;
      const fieldName = node.name.value;
      if (key === '__proto__') throw new NotCompiled('a response key "__proto__" would set the answer object\'s prototype');
      if (fieldName === '__typename') {
        fields.push({ key, fieldName, source: { kind: 'typename', name: type.name }, shape: leafShape(schema.getType('String') as GraphQLLeafType), args: {}, field: undefined as never, node });
        continue;
      }
      const field = type.getFields()[fieldName];
      if (!field) throw new NotCompiled(`${type.name}.${fieldName} is not a field (introspection, or an invalid document)`);
      const source = sourceOf(type, field);
      const shape = shapeOf(field.type, nodes, (child, childNodes) => compileSelection(child, collectSubfields(schema, fragments, {}, child, childNodes as FieldNode[])));
      const args = usesVariable(node) ? undefined : getArgumentValues(field, node, {});
      fields.push({ key, fieldName, source, shape, args, field: field as GraphQLField<unknown, unknown>, node });
    }
    return { fields };
  };

  try {
    const root = compileSelection(queryType, collectFields(schema, fragments, {}, queryType, operation.selectionSet));
    return { operation, root, buildRoot: generateBuilder(root) };
  } catch (err) {
    if (err instanceof NotCompiled) return undefined;
    throw err;
  }
}
