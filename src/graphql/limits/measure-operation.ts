// The shape of one operation with its fragments expanded: depth, aliases, root fields, directives and
// field selections. Each fragment is measured once and its counts reused wherever it is spread, so a
// document whose fragments spread each other n times over is measured in linear time (its counts may
// be astronomically large; they are only compared with the limits).
import { Kind, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface OperationShape {
  /** Deepest field nesting: `{ a { b } }` is 2. __typename adds none, nor does introspection's nesting when ignored. */
  depth: number;
  aliases: number;
  /** Fields at the operation's root. */
  rootFields: number;
  directives: number;
  /** Field selections, every fragment spread counted in full. */
  fields: number;
}

const INTROSPECTION = new Set(['__schema', '__type']);

export function measureOperation(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, ignoreIntrospection: boolean): OperationShape {
  const memo = new Map<string, OperationShape | null>(); // null while a fragment is being measured
  const measure = (set: SelectionSetNode): OperationShape => {
    const shape: OperationShape = { depth: 0, aliases: 0, rootFields: 0, directives: 0, fields: 0 };
    const add = (inner: OperationShape, depthOffset: number): void => {
      shape.depth = Math.max(shape.depth, inner.depth + depthOffset);
      shape.aliases += inner.aliases;
      shape.directives += inner.directives;
      shape.fields += inner.fields;
    };
    for (const selection of set.selections) {
      shape.directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        shape.fields += 1;
        shape.rootFields += 1;
        if (selection.alias) shape.aliases += 1;
        if (name === '__typename') continue;
        const inner = selection.selectionSet ? measure(selection.selectionSet) : undefined;
        const ignored = ignoreIntrospection && INTROSPECTION.has(name);
        shape.depth = Math.max(shape.depth, 1);
        if (inner) add(ignored ? { ...inner, depth: 0 } : inner, 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const inner = measure(selection.selectionSet);
        add(inner, 0);
        shape.rootFields += inner.rootFields;
      } else {
        const name = selection.name.value;
        let inner = memo.get(name);
        if (inner === undefined) {
          const fragment = fragments.get(name);
          memo.set(name, null);
          inner = fragment ? measure(fragment.selectionSet) : null;
          memo.set(name, inner);
        }
        if (!inner) continue; // unknown or cyclic: validation has refused both already
        add(inner, 0);
        shape.rootFields += inner.rootFields;
      }
    }
    return shape;
  };
  const shape = measure(operation.selectionSet);
  shape.directives += operation.directives?.length ?? 0;
  return shape;
}
