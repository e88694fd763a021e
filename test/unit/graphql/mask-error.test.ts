import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { gatewayGraphQLError } from '../../../src/errors.ts';
import { createMaskError } from '../../../src/graphql/mask-error.ts';
import { createLogger } from '../../../src/logger.ts';

describe('maskError', () => {
  const lines: string[] = [];
  const mask = createMaskError(createLogger({ level: 'error', write: (line) => lines.push(line) }));

  it('lets coded gateway errors through unchanged', () => {
    const error = new GraphQLError('movies service failed (HTTP 500)', { originalError: gatewayGraphQLError('UPSTREAM_ERROR', 'x', 'movies') });
    expect(mask(error, '')).toBe(error);
  });

  it('turns a bug in a resolver into a bare INTERNAL_SERVER_ERROR and logs the stack', () => {
    const bug = new TypeError('cannot read properties of undefined (reading "id") at /srv/app/resolver.ts:12');
    const masked = mask(new GraphQLError(bug.message, { originalError: bug, path: ['user'] }), '') as GraphQLError;
    expect(masked.message).toBe('Unexpected error.');
    expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(masked.path).toEqual(['user']);
    expect(JSON.stringify(masked.toJSON())).not.toContain('/srv/app');
    expect(lines.at(-1)).toContain('/srv/app/resolver.ts:12');
  });

  it('masks an error that is not a GraphQLError at all', () => {
    const masked = mask(new Error('secret internals'), '') as GraphQLError;
    expect(masked.message).toBe('Unexpected error.');
    expect(masked.extensions.code).toBe('INTERNAL_SERVER_ERROR');
  });
});
