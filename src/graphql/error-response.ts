// A GraphQL-shaped error answer for requests refused before execution: { errors: [{ message,
// extensions: { code } }] } with the HTTP status of the code.
import type { FetchAPI } from 'graphql-yoga';
import { HTTP_STATUS, type GatewayErrorCode } from '../errors.ts';

export function errorResponse(fetchAPI: FetchAPI, code: GatewayErrorCode, message: string, headers?: Record<string, string>, extensions?: Record<string, unknown>): Response {
  const body = JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] });
  return new fetchAPI.Response(body, { status: HTTP_STATUS[code], headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}
