// Accepts GraphQL POSTs only as JSON. Yoga also parses form-urlencoded and multipart bodies, which a
// browser may send cross-site without a preflight (CSRF); a gateway refuses them with 415.
import type { Plugin } from 'graphql-yoga';
import { errorResponse } from '../error-response.ts';

const JSON_TYPES = /^application\/(json|graphql-response\+json)\s*(;|$)/i;

export function useJsonPostOnly(): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'POST' || JSON_TYPES.test(request.headers.get('content-type') ?? '')) return;
      endResponse(errorResponse(fetchAPI, 'UNSUPPORTED_MEDIA_TYPE', 'A GraphQL POST body must be application/json.'));
    },
  };
}
