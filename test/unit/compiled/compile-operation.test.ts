// What the operation compiler takes on and what it leaves to the general executor, over the example
// schema: each field's source (property, batched @ref load, resolver call), the answer's order and shapes.
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { compileOperation, type CompiledSelection, type ValueShape } from '../../../src/compiled/compile-operation.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { buildGatewaySchema } from '../../../src/schema/stitch.ts';
import { ROOT } from '../../harness/start-stack.ts';

const { schema } = buildGatewaySchema(loadConfig({ envFile: false, env: {}, cwd: ROOT }).services);
const compile = (query: string, operationName?: string) => compileOperation(schema, parse(query), operationName);

/** "key:source" per field, children in brackets: the compiled plan in one line. */
function outline(selection: CompiledSelection): string {
  const inner = (shape: ValueShape): CompiledSelection | undefined => (shape.kind === 'nonNull' || shape.kind === 'list' ? inner(shape.of) : shape.kind === 'object' ? shape.set : undefined);
  return selection.fields.map((f) => {
    const child = inner(f.shape);
    return `${f.key}:${f.source.kind}${child ? `[${outline(child)}]` : ''}`;
  }).join(' ');
}

describe('compileOperation', () => {
  it('compiles the bench query to a call, a batched @ref per level and property reads', () => {
    const compiled = compile('{ users(limit: 50) { id name favoriteMovies { id title director { id name } } } }');
    expect(outline(compiled!.root)).toBe('users:call[id:property name:property favoriteMovies:ref[id:property title:property director:ref[id:property name:property]]]');
  });

  it('keeps document order with fragments spread in place, merges a key selected twice, and reads arguments once', () => {
    const compiled = compile('query A { users(limit: 2) { ...F favoriteMovies { year } n: name } } fragment F on User { id favoriteMovies { title } }');
    expect(outline(compiled!.root)).toBe('users:call[id:property favoriteMovies:ref[title:property year:property] n:property]');
    expect(compiled!.root.fields[0]!.args).toEqual({ limit: 2, offset: 0 });
  });

  it('reads arguments with variables per request, and resolves literal @skip/@include at compile time', () => {
    const compiled = compile('query($n: Int) { users(limit: $n) { id name @skip(if: true) __typename @include(if: true) } }');
    expect(outline(compiled!.root)).toBe('users:call[id:property __typename:typename]');
    expect(compiled!.root.fields[0]!.args).toBeUndefined();
  });

  it('picks the named operation of a document with several', () => {
    const document = 'query A { users { id } } query B { movies { title } }';
    expect(outline(compile(document, 'B')!.root)).toBe('movies:call[title:property]');
    expect(compile(document)).toBeUndefined(); // no name, two operations: graphql-js refuses it
  });

  it('passes built-in scalars through when already of their type', () => {
    const compiled = compile('{ movies { id year } }');
    const movie = (compiled!.root.fields[0]!.shape as { of: { of: { set: CompiledSelection } } }).of.of.set;
    expect(movie.fields.map((f) => (f.shape.kind === 'nonNull' ? f.shape.of : f.shape))).toMatchObject([{ kind: 'leaf', scalar: 'ID' }, { kind: 'leaf', scalar: 'Int' }]);
  });

  it('compiles a guarded field with its guard, which runs before its value is read', () => {
    const email = compile('{ users { email } }')!.root.fields[0]!;
    const user = (email.shape as { of: { of: { set: CompiledSelection } } }).of.of.set.fields[0]!;
    expect(user.source).toMatchObject({ kind: 'property' });
    expect(typeof (user.source as { guard?: unknown }).guard).toBe('function');
  });

  it.each([
    ['a mutation', 'mutation { deleteMovie(id: "1") { id } }'],
    ['introspection', '{ __schema { queryType { name } } }'],
    ['@include on a variable', 'query($x: Boolean!) { users { id @include(if: $x) } }'],
    ['an unknown operation name', 'query A { users { id } }'],
    ['a response key that would set the answer\'s prototype', '{ users { __proto__: name } }'],
  ])('leaves %s to the general executor', (_what, query) => {
    expect(compile(query, query.startsWith('query A') ? 'Z' : undefined)).toBeUndefined();
  });
});
