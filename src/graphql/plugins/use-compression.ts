// Compresses GraphQL answers (and the GraphiQL page) above a size threshold, as the client's
// Accept-Encoding allows; smaller answers go as they are, where compression would cost more than it
// saves. Only answers Yoga builds pass here: the REST passthrough streams the service's body untouched.
import type { Plugin } from 'graphql-yoga';
import { compress, compressible, negotiateEncoding } from '../../http/compression.ts';

export function useCompression(thresholdBytes: number): Plugin {
  return {
    onResponse({ request, response, setResponse, fetchAPI }) {
      // A client that accepts no encoding costs one header lookup: reading the answer's headers makes
      // them an object of their own (measured at 6 % of the bench's CPU). A GET answer may be cached on
      // the way, so it says it depends on Accept-Encoding either way.
      const accepted = request.headers.get('accept-encoding');
      if (!accepted && request.method !== 'GET') return;
      if (response.headers.has('content-encoding') || !compressible(response.headers.get('content-type'))) return;
      // Set on the answer as it is: wrapping an uncompressed answer anew would turn its body into a stream.
      response.headers.append('vary', 'Accept-Encoding');
      const encoding = negotiateEncoding(accepted);
      if (!encoding) return;
      const headers = new fetchAPI.Headers(response.headers);
      return response.arrayBuffer().then(async (body) => {
        let bytes: Buffer = Buffer.from(body);
        if (bytes.length >= thresholdBytes) {
          bytes = await compress(bytes, encoding);
          headers.set('content-encoding', encoding);
        }
        headers.set('content-length', String(bytes.length));
        setResponse(new fetchAPI.Response(bytes as Uint8Array<ArrayBuffer>, { status: response.status, headers }));
      });
    },
  };
}
