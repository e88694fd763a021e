// Maps a service's non-2xx answer to a GraphQL error: 404 → NOT_FOUND, 400/409/422 → BAD_USER_INPUT with
// the service's own message, anything else → UPSTREAM_ERROR naming the service (its body is not shown).
import type { GraphQLError } from 'graphql';
import { gatewayGraphQLError } from '../errors.ts';

const INPUT_STATUSES = new Set([400, 409, 422]);
const MAX_MESSAGE = 500;

/** The message and field a service put in its error body: `{ error: { message, field } }` or `{ message }`. */
function serviceDetail(body: unknown): { message?: string; field?: string } {
  if (!body || typeof body !== 'object') return {};
  const b = body as { error?: unknown; message?: unknown };
  const inner = b.error && typeof b.error === 'object' ? (b.error as { message?: unknown; field?: unknown }) : b;
  const out: { message?: string; field?: string } = {};
  if (typeof inner.message === 'string') out.message = inner.message.slice(0, MAX_MESSAGE);
  if ('field' in inner && typeof inner.field === 'string') out.field = inner.field.slice(0, 100);
  return out;
}

export function restError(service: string, status: number, body: unknown): GraphQLError {
  if (status === 404) return gatewayGraphQLError('NOT_FOUND', serviceDetail(body).message ?? `${service}: not found`, service);
  if (INPUT_STATUSES.has(status)) {
    const { message, field } = serviceDetail(body);
    const error = gatewayGraphQLError('BAD_USER_INPUT', message ?? `${service} rejected the input (HTTP ${status})`, service);
    if (field !== undefined) error.extensions.field = field;
    return error;
  }
  return gatewayGraphQLError('UPSTREAM_ERROR', `${service} service failed (HTTP ${status})`, service);
}
