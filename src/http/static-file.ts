// A file the gateway serves itself (GraphiQL's script, style and workers): named by its content's hash,
// so cached for a year as immutable; revalidated by ETag (304); sent in the encoding the client prefers
// among those compressed once.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { negotiateEncoding, type Encoding } from './compression.ts';

export interface StaticFile {
  contentType: string;
  /** Quoted, as the ETag header carries it. */
  etag: string;
  body: Buffer;
  encoded: ReadonlyMap<Encoding, Promise<Buffer>>;
}

const YEAR = 'public, max-age=31536000, immutable';

export async function sendStaticFile(req: IncomingMessage, res: ServerResponse, file: StaticFile): Promise<void> {
  const headers: Record<string, string> = { 'content-type': file.contentType, etag: file.etag, 'cache-control': YEAR, vary: 'Accept-Encoding' };
  const known = req.headers['if-none-match'];
  if (known && known.split(',').some((tag) => tag.trim().replace(/^W\//, '') === file.etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  const encoding = negotiateEncoding(req.headers['accept-encoding']);
  const body = encoding ? await file.encoded.get(encoding)! : file.body;
  if (encoding) headers['content-encoding'] = encoding;
  headers['content-length'] = String(body.length);
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
