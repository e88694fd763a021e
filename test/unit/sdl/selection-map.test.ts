// The selection mapping language on its own: parsing (and its errors), and what a compiled mapping
// makes of an answer.
import { describe, expect, it } from 'vitest';
import { compileMapping, mapEach, parseMapping } from '../../../src/sdl/selection-map.ts';

const map = (text: string, value: unknown) => mapEach(value, compileMapping(parseMapping(text)));

describe('selection mappings', () => {
  it('renames, flattens from a path, nests from the same object, and maps nested lists item by item', () => {
    const answer = { id: 7, first_name: 'Ada', address: { city: 'London' }, lat: 51.5, lng: -0.1, labels: [{ label: 'a' }, { label: 'b' }] };
    expect(map('firstName: first_name city: address.city location: { lat lng } tags: labels { name: label }', answer)).toEqual({
      ...answer,
      firstName: 'Ada',
      city: 'London',
      location: { ...answer, lat: 51.5, lng: -0.1 },
      tags: [{ label: 'a', name: 'a' }, { label: 'b', name: 'b' }],
    });
  });

  it('leaves what is not an object as it is, and reads a missing path as undefined', () => {
    expect(map('name: full_name', [null, 3, { x: 1 }])).toEqual([null, 3, { x: 1, name: undefined }]);
    expect(map('city: address.city', { address: null })).toEqual({ address: null, city: undefined });
  });

  it('accepts commas and line breaks between fields', () => {
    expect(parseMapping('a: x,\n b: y.z').map((e) => [e.field, e.from])).toEqual([['a', ['x']], ['b', ['y', 'z']]]);
  });

  it('refuses what it cannot read, saying what', () => {
    expect(() => parseMapping('')).toThrow('the mapping is empty');
    expect(() => parseMapping('a: { b')).toThrow('a "{" is not closed');
    expect(() => parseMapping('a }')).toThrow('a "}" has no "{"');
    expect(() => parseMapping('a: b a: c')).toThrow('a is mapped twice');
    expect(() => parseMapping('a.b: c')).toThrow('expected a field name, got "a.b"');
    expect(() => parseMapping('a: $b')).toThrow('unexpected "$" in the mapping');
  });
});
