// CSRF prevention, Apollo Router's rule: a browser sends a GET, or a POST with a "simple" content type
// (form, multipart, text/plain), cross-site without asking first (no CORS preflight), with the user's
// cookies. Such a request must carry one of CSRF_HEADERS, which a page can only set after a preflight;
// a JSON POST is preflighted and passes. Runs when Yoga parses the request, after GraphiQL is served.
// (Yoga's own useCSRFPrevention answers 403 with no error code and without naming the header.)
import type { Plugin } from 'graphql-yoga';
import { refusal } from '../error-response.ts';

export const CSRF_HEADERS = ['x-graphql-csrf', 'apollo-require-preflight', 'x-apollo-operation-name', 'graphql-preflight'] as const;
const SIMPLE_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

function preflighted(contentType: string | null): boolean {
  if (contentType === null) return false;
  const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return essence !== '' && !SIMPLE_TYPES.includes(essence);
}

export function useCsrfPrevention(): Plugin {
  const message = `This request could have been sent by another site (CSRF): send it as a POST with content-type application/json, or add one of the headers ${CSRF_HEADERS.join(', ')}.`;
  return {
    onRequestParse({ request }) {
      if (preflighted(request.headers.get('content-type'))) return;
      if (CSRF_HEADERS.some((name) => request.headers.has(name))) return;
      throw refusal('CSRF_HEADER_REQUIRED', message);
    },
  };
}
