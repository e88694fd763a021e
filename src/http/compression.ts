// Content negotiation and compression for what the gateway serves itself (GraphQL answers, GraphiQL's
// files): zstd where this Node has it, then brotli, then gzip, as the client's Accept-Encoding allows
// (negotiator: q-values, "*", "identity;q=0"). Compression runs on libuv's thread pool, off the event
// loop. Answers are compressed as servers compress dynamic content (brotli 4, gzip 6, zstd 3); files
// compressed once harder (brotli 9, gzip 9, zstd 12: within a tenth of the best for a fraction of the time).
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import Negotiator from 'negotiator';

export type Encoding = 'zstd' | 'br' | 'gzip';

type Compress = (input: Buffer, quality: 'dynamic' | 'static') => Promise<Buffer>;

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);
const zstd = typeof zlib.zstdCompress === 'function' ? promisify(zlib.zstdCompress) : undefined;

const COMPRESS: Partial<Record<Encoding, Compress>> = {
  br: (input, quality) => brotli(input, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality === 'dynamic' ? 4 : 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: input.length } }),
  gzip: (input, quality) => gzip(input, { level: quality === 'dynamic' ? 6 : 9 }),
  ...(zstd && { zstd: (input: Buffer, quality: 'dynamic' | 'static') => zstd(input, { params: { [zlib.constants.ZSTD_c_compressionLevel]: quality === 'dynamic' ? 3 : 12 } }) }),
};

/** The encodings this process can produce, in the order preferred when the client has no preference. */
export const ENCODINGS = (['zstd', 'br', 'gzip'] as const).filter((e) => COMPRESS[e] !== undefined);

/** The encoding to answer with, or undefined for none ("identity"). */
export function negotiateEncoding(acceptEncoding: string | null | undefined): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  // negotiator 1.x takes the server's order for ties (its types are still 0.6's).
  const negotiator = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } }) as unknown as { encoding(available: string[], options: { preferred: string[] }): string | undefined };
  const chosen = negotiator.encoding([...ENCODINGS, 'identity'], { preferred: [...ENCODINGS, 'identity'] });
  return chosen === 'identity' ? undefined : (chosen as Encoding | undefined);
}

export function compress(input: Buffer, encoding: Encoding, quality: 'dynamic' | 'static' = 'dynamic'): Promise<Buffer> {
  return COMPRESS[encoding]!(input, quality);
}

/** Worth compressing: text, JSON, JavaScript, CSS, SVG (not images, archives or already-encoded bodies). */
export const compressible = (contentType: string | null | undefined): boolean =>
  !!contentType && /^(text\/|application\/(json|graphql-response\+json|javascript|problem\+json)|image\/svg\+xml)/.test(contentType);
