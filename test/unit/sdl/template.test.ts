import { describe, expect, it } from 'vitest';
import { compilePath, compileQuery, compileValue, TemplateError } from '../../../src/sdl/template.ts';

describe('compilePath', () => {
  it('encodes each placeholder as one path segment', () => {
    const path = compilePath('/users/{args.id}/favorites/{args.movieId}', ['args']);
    expect(path({ args: { id: '7', movieId: 'a/../b c' } })).toBe('/users/7/favorites/a%2F..%2Fb%20c');
  });

  it('yields undefined when a placeholder reads null or nothing', () => {
    const path = compilePath('/users/{parent.directorId}', ['parent']);
    expect(path({ parent: { directorId: null } })).toBeUndefined();
    expect(path({ parent: {} })).toBeUndefined();
  });

  it('refuses a query in the path, and a root the field cannot read', () => {
    expect(() => compilePath('/users?limit=1', ['args'])).toThrow(TemplateError);
    expect(() => compilePath('/users/{parent.id}', ['args'])).toThrow('placeholder {parent.id} must read {args.name}');
    expect(() => compilePath('users', ['args'])).toThrow('a path starts with "/"');
  });
});

describe('compileQuery', () => {
  const query = compileQuery({ limit: '{args.limit}', directorId: '{args.directorId}', ids: '{args.ids}', fixed: 1000 }, ['args']);

  it('leaves out parameters whose value is null or missing', () => {
    expect(query({ args: { limit: 5, directorId: null } })).toBe('?limit=5&fixed=1000');
  });

  it('joins lists with commas and encodes values', () => {
    expect(query({ args: { ids: ['1', '2'], directorId: 'a&b=c' } })).toBe('?directorId=a%26b%3Dc&ids=1%2C2&fixed=1000');
  });
});

describe('compileValue', () => {
  it('keeps the type of a lone placeholder ({args.input} is the input object)', () => {
    const input = { name: 'A', tags: ['x'] };
    expect(compileValue('{args.input}', ['args'])({ args: { input } })).toBe(input);
  });

  it('builds objects, leaving out members that read nothing', () => {
    const body = compileValue({ movieId: '{args.movieId}', note: '{args.note}', label: 'id-{args.movieId}' }, ['args']);
    expect(body({ args: { movieId: 9 } })).toEqual({ movieId: 9, label: 'id-9' });
  });

  it('reads nested properties', () => {
    expect(compileValue('{parent.owner.id}', ['parent'])({ parent: { owner: { id: 'u1' } } })).toBe('u1');
    expect(compileValue('{parent.owner.id}', ['parent'])({ parent: { owner: null } })).toBeUndefined();
  });
});
