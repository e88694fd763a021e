// Accepts GraphQL POSTs only as JSON. Yoga also parses form-urlencoded and multipart bodies, which a
// browser may send cross-site without a preflight (CSRF); a gateway refuses them with 415.
import type { Plugin } from 'graphql-yoga';

const JSON_TYPES = /^application\/(json|graphql-response\+json)\s*(;|$)/i;

export function useJsonPostOnly(): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'POST' || JSON_TYPES.test(request.headers.get('content-type') ?? '')) return;
      const body = { errors: [{ message: 'A GraphQL POST body must be application/json.', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] };
      endResponse(new fetchAPI.Response(JSON.stringify(body), { status: 415, headers: { 'content-type': 'application/json; charset=utf-8' } }));
    },
  };
}
