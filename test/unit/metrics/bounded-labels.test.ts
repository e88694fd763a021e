import { describe, expect, it } from 'vitest';
import { BoundedLabels, ERROR_CODE, GRAPHQL_NAME } from '../../../src/metrics/bounded-labels.ts';

describe('BoundedLabels', () => {
  it('keeps the first `max` well-formed values, and counts every later one as "other"', () => {
    const names = new BoundedLabels(2, GRAPHQL_NAME);
    expect(['A', 'B', 'C', 'A', 'B', 'D'].map((n) => names.label(n, 'anonymous'))).toEqual(['A', 'B', 'other', 'A', 'B', 'other']);
  });

  it('gives `none` for no value, and "other" for a malformed one, which takes no place', () => {
    const names = new BoundedLabels(1, GRAPHQL_NAME);
    expect([undefined, null, ''].map((n) => names.label(n, 'anonymous'))).toEqual(['anonymous', 'anonymous', 'anonymous']);
    expect(names.label('bad name"}\n', 'anonymous')).toBe('other');
    expect(names.label('x'.repeat(101), 'anonymous')).toBe('other');
    expect(names.label(42, 'anonymous')).toBe('other');
    expect(names.label('Good', 'anonymous')).toBe('Good');
  });

  it('error codes are upper snake case', () => {
    const codes = new BoundedLabels(10, ERROR_CODE);
    expect(['UPSTREAM_ERROR', 'upstream', 'A-B'].map((c) => codes.label(c, 'NONE'))).toEqual(['UPSTREAM_ERROR', 'other', 'other']);
  });
});
