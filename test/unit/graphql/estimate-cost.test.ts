// The cost estimate in REST calls and items, over the example schema and a fixture whose fields cover
// each kind of REST plan: per parent, per batch of parents, per batch of keys, completion by another
// service's loader, @cost weights on fields and types, and @listSize slicing, assumed and sized fields.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { loadConfig } from '../../../src/config/load-config.ts';
import { estimateCost, SlicingArgumentError } from '../../../src/graphql/limits/estimate-cost.ts';
import { buildGatewaySchema } from '../../../src/schema/stitch.ts';
import { ROOT } from '../../harness/start-stack.ts';

function estimator(services?: Record<string, unknown>) {
  const config = loadConfig({ envFile: false, env: {}, cwd: ROOT, overrides: services ? { services } : {} });
  const { schema, costModel } = buildGatewaySchema(config.services);
  return (query: string, variables?: Record<string, unknown>, defaultListSize = 10) => {
    const document = parse(query);
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
    return estimateCost({ schema, model: costModel, operation, fragments, variables, defaultListSize });
  };
}

describe('the example schema', () => {
  const estimate = estimator();

  it('the bench query: a page of users, their favorites in one batch, the directors in another', () => {
    expect(estimate('{ users(limit: 50) { id name favoriteMovies { id title director { id name } } } }')).toEqual({ calls: 3, items: 50 + 1000 + 1000 });
  });

  it('a @batch field costs one call per batch of parents, whatever the number of parents', () => {
    expect(estimate('{ users(limit: 30) { directedMovies { id } } }')).toEqual({ calls: 2, items: 30 + 600 });
  });

  it('an @ref root field costs one batch call; aliases of it add a call each (the worst case)', () => {
    expect(estimate('{ a: user(id: "1") { id } b: user(id: "2") { id } }')).toEqual({ calls: 2, items: 2 });
  });

  it('reads slicing arguments from literals, variables, variable defaults and argument defaults', () => {
    expect(estimate('{ users(limit: 7) { id } }').items).toBe(7);
    expect(estimate('query ($n: Int) { users(limit: $n) { id } }', { n: 9 }).items).toBe(9);
    expect(estimate('query ($n: Int = 11) { users(limit: $n) { id } }').items).toBe(11);
    expect(estimate('{ users { id } }').items).toBe(20);
  });

  it('costs nothing for __typename and introspection', () => {
    expect(estimate('{ __typename __schema { types { name } } }')).toEqual({ calls: 0, items: 0 });
  });

  it('splits keys by the owner\'s maxBatchSize', () => {
    const small = estimator({
      users: { urls: ['http://127.0.0.1:9'], schema: 'schema/users.graphql', maxBatchSize: 1000 },
      movies: { urls: ['http://127.0.0.1:9'], schema: 'schema/movies.graphql', maxBatchSize: 100 },
    });
    // 50 users × 20 favorites = 1,000 movie keys in batches of 100; their directors in one batch of 1,000.
    expect(small('{ users(limit: 50) { favoriteMovies { director { id } } } }')).toEqual({ calls: 1 + 10 + 1, items: 2050 });
  });
});

describe('a fixture with every kind of plan', () => {
  const fixture = (name: string): string => resolve(ROOT, 'test/fixtures/cost', `${name}.graphql`);
  const estimate = estimator({
    shop: { urls: ['http://127.0.0.1:9'], schema: fixture('shop'), maxBatchSize: 500 },
    catalog: { urls: ['http://127.0.0.1:9'], schema: fixture('catalog') },
  });

  it('completes another service\'s entities through its loader, each batch call weighed by @cost on the type', () => {
    // 1 call for the list, then 5 products completed by shop in one batch that weighs 2.
    expect(estimate('{ featured { id } }')).toEqual({ calls: 1 + 2, items: 5 });
  });

  it('weighs a per-parent @rest field by its @cost, once per parent', () => {
    // 1 + 2 as above, then reviews for each of the 5 products at weight 3.
    expect(estimate('{ featured { reviews { stars } } }')).toEqual({ calls: 3 + 5 * 3, items: 5 + 50 });
  });

  it('an @ref to an entity weighs its type\'s @cost', () => {
    expect(estimate('{ product(id: "1") { name } }')).toEqual({ calls: 2, items: 1 });
  });

  it('sizes an @ref list by the keys the operation gives, literal or variable', () => {
    const ids = Array.from({ length: 1200 }, (_, i) => String(i));
    // 1,200 keys in batches of 500, each batch weighing 2.
    expect(estimate('query ($ids: [ID!]!) { products(ids: $ids) { name } }', { ids })).toEqual({ calls: 3 * 2, items: 1200 });
    expect(estimate('{ products(ids: ["1", "2"]) { name } }')).toEqual({ calls: 2, items: 2 });
  });

  it('sizes the listed sizedFields, not the field itself', () => {
    expect(estimate('{ page(first: 30) { total names } }')).toEqual({ calls: 1, items: 1 + 30 });
  });

  it('needs exactly one slicing argument where requireOneSlicingArgument holds', () => {
    expect(() => estimate('{ search { id } }')).toThrow(SlicingArgumentError);
    expect(() => estimate('{ search(first: 1, last: 2) { id } }')).toThrow('search needs exactly one of its slicing arguments (first, last) to estimate its size; got 2');
    expect(estimate('{ search(last: 4) { id } }').items).toBe(4);
  });

  it('falls back to assumedSize when slicing is optional, and to the default list size without @listSize', () => {
    expect(estimate('{ anything { id } }').items).toBe(7);
    expect(estimate('{ anything(first: 2) { id } }').items).toBe(2);
    expect(estimate('{ featured { reviews { id } } }', undefined, 3).items).toBe(5 + 5 * 3);
  });
});
