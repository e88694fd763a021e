// The shape of an operation with fragments expanded, measured once per fragment: depth, aliases, root
// fields, directives and field selections, and what introspection and __typename count.
import { describe, expect, it } from 'vitest';
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { measureOperation } from '../../../src/graphql/limits/measure-operation.ts';

function measure(query: string, ignoreIntrospection = false) {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  return measureOperation(operation, fragments, ignoreIntrospection);
}

describe('measureOperation', () => {
  it('counts depth as field levels, with __typename adding none', () => {
    expect(measure('{ a }').depth).toBe(1);
    expect(measure('{ a { b { c } } }').depth).toBe(3);
    expect(measure('{ a { __typename } }').depth).toBe(1);
  });

  it('expands fragments and inline fragments for every count', () => {
    const shape = measure('query Q @live { x: a { ...F } b @skip(if: false) } fragment F on T { y: c { d } ... on T { e @include(if: true) } }');
    expect(shape).toEqual({ depth: 3, aliases: 2, rootFields: 2, directives: 3, fields: 5 });
  });

  it('counts a fragment each time it is spread, without walking it again', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on T { a: f ...F${i + 1} ...F${i + 1} }`).join('\n');
    const shape = measure(`{ ...F0 } ${fragments} fragment F${levels} on T { id }`);
    // 2^40 copies of the last fragment: far past any limit, measured in a blink.
    expect(shape.fields).toBeGreaterThan(2 ** 40);
    expect(shape.aliases).toBeGreaterThan(2 ** 39);
    expect(shape.rootFields).toBeGreaterThan(2 ** 40);
  });

  it('does not count introspection\'s own nesting against depth when asked, but counts its fields', () => {
    const query = '{ __schema { types { fields { type { ofType { ofType { name } } } } } } }';
    expect(measure(query).depth).toBe(7);
    expect(measure(query, true).depth).toBe(1);
    expect(measure(query, true).fields).toBe(7);
  });
});
