// Content negotiation and compression for what the gateway serves itself (GraphQL answers, GraphiQL's
// files): zstd where this Node has it, then brotli, then gzip, as the client's Accept-Encoding allows
// (negotiator: q-values, "*", "identity;q=0"). An answer is compressed at the levels that cost least
// for what they save on answers of tens of kilobytes (zstd 1, brotli 3, gzip 3: 40-90 µs for 20 KB,
// measured in bench/), on the event loop when it is small: handing 20 KB to the thread pool costs twice
// the CPU of compressing it in place. Larger answers, and files compressed once (brotli 9, gzip 9,
// zstd 12), go to the thread pool.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import Negotiator from 'negotiator';

export type Encoding = 'zstd' | 'br' | 'gzip';
type Quality = 'dynamic' | 'static';

/** Up to this size an answer is compressed synchronously (well under a millisecond). */
const IN_PLACE_BYTES = 128 * 1024;

const { BROTLI_PARAM_QUALITY, BROTLI_PARAM_SIZE_HINT, ZSTD_c_compressionLevel } = zlib.constants;
const options = {
  br: (input: Buffer, quality: Quality): zlib.BrotliOptions => ({ params: { [BROTLI_PARAM_QUALITY]: quality === 'dynamic' ? 3 : 9, [BROTLI_PARAM_SIZE_HINT]: input.length } }),
  gzip: (_input: Buffer, quality: Quality): zlib.ZlibOptions => ({ level: quality === 'dynamic' ? 3 : 9 }),
  zstd: (_input: Buffer, quality: Quality): zlib.ZstdOptions => ({ params: { [ZSTD_c_compressionLevel]: quality === 'dynamic' ? 1 : 12 } }),
};
const hasZstd = typeof zlib.zstdCompressSync === 'function';
// zstd only where this Node has it: ENCODINGS does not offer it otherwise.
const inPlace: Partial<Record<Encoding, (input: Buffer, o: never) => Buffer>> = { br: zlib.brotliCompressSync, gzip: zlib.gzipSync, ...(hasZstd && { zstd: zlib.zstdCompressSync }) };
const pooled: Partial<Record<Encoding, (input: Buffer, o: never) => Promise<Buffer>>> = {
  br: promisify(zlib.brotliCompress),
  gzip: promisify(zlib.gzip),
  ...(hasZstd && { zstd: promisify(zlib.zstdCompress) }),
};

/** The encodings this process can produce, in the order preferred when the client has no preference. */
export const ENCODINGS: readonly Encoding[] = hasZstd ? ['zstd', 'br', 'gzip'] : ['br', 'gzip'];

/** The encoding to answer with, or undefined for none ("identity"). */
export function negotiateEncoding(acceptEncoding: string | null | undefined): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  // negotiator 1.x takes the server's order for ties (its types are still 0.6's).
  const negotiator = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } }) as unknown as { encoding(available: string[], options: { preferred: string[] }): string | undefined };
  const chosen = negotiator.encoding([...ENCODINGS, 'identity'], { preferred: [...ENCODINGS, 'identity'] });
  return chosen === 'identity' ? undefined : (chosen as Encoding | undefined);
}

export async function compress(input: Buffer, encoding: Encoding, quality: Quality = 'dynamic'): Promise<Buffer> {
  const o = options[encoding](input, quality) as never;
  return quality === 'dynamic' && input.length <= IN_PLACE_BYTES ? inPlace[encoding]!(input, o) : pooled[encoding]!(input, o);
}

/** Worth compressing: text, JSON, JavaScript, CSS, SVG (not images, archives or already-encoded bodies). */
export const compressible = (contentType: string | null | undefined): boolean =>
  !!contentType && /^(text\/|application\/(json|graphql-response\+json|javascript|problem\+json)|image\/svg\+xml)/.test(contentType);
