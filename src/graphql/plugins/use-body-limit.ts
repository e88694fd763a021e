// Refuses a GraphQL POST whose body is over the limit (413), or whose size is not declared (411), from
// its headers alone, before any byte of the body is read. Node's HTTP parser then guarantees the body
// is exactly Content-Length bytes. This replaces Yoga's own limit, which wraps every request body in a
// size-counting stream pipeline: measured here, that made each request 4× slower and kept objects alive
// past every young-generation GC, which set the p99 of even the cheapest answers.
import type { Plugin } from 'graphql-yoga';
import type { GatewayErrorCode } from '../../errors.ts';
import { errorResponse } from '../error-response.ts';

export interface BodyLimitOptions {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
}

export function useBodyLimit({ maxBytes }: BodyLimitOptions): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'POST') return;
      const refuse = (code: GatewayErrorCode, message: string): void => endResponse(errorResponse(fetchAPI, code, message));
      const length = request.headers.get('content-length');
      if (length === null) return refuse('LENGTH_REQUIRED', 'A GraphQL POST must declare its size in Content-Length.');
      if (!/^\d+$/.test(length)) return refuse('BAD_REQUEST', 'Content-Length is not a number.');
      if (Number(length) > maxBytes) return refuse('PAYLOAD_TOO_LARGE', `The request body is over the limit of ${maxBytes} bytes.`);
    },
  };
}
