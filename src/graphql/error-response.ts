// GraphQL-shaped refusals before execution: a whole answer ({ errors: [{ message, extensions: { code } }] }
// with the HTTP status of the code) for plugins that end the request, or the error for those that set a result.
import { GraphQLError } from 'graphql';
import type { FetchAPI } from 'graphql-yoga';
import { HTTP_STATUS, withoutStack, type GatewayErrorCode } from '../errors.ts';

export function errorResponse(fetchAPI: FetchAPI, code: GatewayErrorCode, message: string, headers?: Record<string, string>, extensions?: Record<string, unknown>): Response {
  const body = JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] });
  return new fetchAPI.Response(body, { status: HTTP_STATUS[code], headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

/** An error that refuses an operation before execution, with its code's HTTP status whatever the client accepts. */
export function refusal(code: GatewayErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return withoutStack(() => new GraphQLError(message, { extensions: { code, ...extensions, http: { status: HTTP_STATUS[code] } } }));
}
