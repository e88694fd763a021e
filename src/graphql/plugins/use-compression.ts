// Compresses GraphQL answers (and the GraphiQL page) above a size threshold, as the client's
// Accept-Encoding allows; smaller answers go as they are, where compression would cost more than it
// saves. Only answers Yoga builds pass here: the REST passthrough streams the service's body untouched.
import type { Plugin } from 'graphql-yoga';
import { compress, compressible, negotiateEncoding } from '../../http/compression.ts';

export function useCompression(thresholdBytes: number): Plugin {
  return {
    onResponse({ request, response, setResponse, fetchAPI }) {
      if (!response.body || response.headers.has('content-encoding') || !compressible(response.headers.get('content-type'))) return;
      const encoding = negotiateEncoding(request.headers.get('accept-encoding'));
      const headers = new fetchAPI.Headers(response.headers);
      headers.append('vary', 'Accept-Encoding'); // the answer depends on it, for any cache between
      if (!encoding) return setResponse(new fetchAPI.Response(response.body, { status: response.status, headers }));
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
