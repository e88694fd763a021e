// Maps a service's non-2xx answer to a GraphQL error: 404 → NOT_FOUND, 400/409/422 → BAD_USER_INPUT and
// 403 → FORBIDDEN with the service's own message (and the field and code it names), anything else →
// UPSTREAM_ERROR naming the service (its body is not shown). Where a body holds its message, code and
// field is the service's rule (services.<name>.errors): RFC 9457 problem+json, JSON:API and
// { error: { message, field } } by default.
import type { GraphQLError } from 'graphql';
import type { ServiceConfig } from '../config/config-schema.ts';
import { gatewayGraphQLError } from '../errors.ts';
import { readPath } from '../read-path.ts';

export type ErrorRule = ServiceConfig['errors'];

const INPUT_STATUSES = new Set([400, 409, 422]);
const MAX_MESSAGE = 500;
const MAX_NAME = 100;

/** The first path of `paths` that holds a string (or a number, for codes). */
function first(body: unknown, paths: readonly string[], max: number): string | undefined {
  for (const path of paths) {
    const value = readPath(body, path.split('.'));
    if (typeof value === 'string' && value !== '') return value.slice(0, max);
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

export function restError(service: string, status: number, body: unknown, rule?: ErrorRule): GraphQLError {
  const code = status === 404 ? 'NOT_FOUND' : status === 403 ? 'FORBIDDEN' : INPUT_STATUSES.has(status) ? 'BAD_USER_INPUT' : 'UPSTREAM_ERROR';
  if (code === 'UPSTREAM_ERROR' || !rule) {
    const message = code === 'NOT_FOUND' ? `${service}: not found` : code === 'UPSTREAM_ERROR' ? `${service} service failed (HTTP ${status})` : `${service} refused the request (HTTP ${status})`;
    return gatewayGraphQLError(code, message, service);
  }
  const message = first(body, rule.message, MAX_MESSAGE);
  const fallback = code === 'NOT_FOUND' ? `${service}: not found` : code === 'FORBIDDEN' ? `${service} refused the request (HTTP 403)` : `${service} rejected the input (HTTP ${status})`;
  const error = gatewayGraphQLError(code, message ?? fallback, service);
  const field = first(body, rule.field, MAX_NAME);
  // A JSON pointer (JSON:API's source.pointer) names the field by its last part.
  if (field !== undefined) error.extensions.field = field.startsWith('/') ? field.slice(field.lastIndexOf('/') + 1) : field;
  const serviceCode = first(body, rule.code, MAX_NAME);
  if (serviceCode !== undefined) error.extensions.serviceCode = serviceCode;
  return error;
}
