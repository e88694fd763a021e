// Counts a streamed request body (one with no Content-Length) as it passes, and stops it at the limit.
// A body with a Content-Length is refused up front instead, before a byte is read.
import { Transform, type TransformCallback } from 'node:stream';

export class BodyLimit extends Transform {
  readonly #max: number;
  #seen = 0;
  exceeded = false;

  constructor(max: number) {
    super();
    this.#max = max;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#max) {
      this.exceeded = true;
      done(new Error(`request body over ${this.#max} bytes`));
      return;
    }
    done(null, chunk);
  }
}
