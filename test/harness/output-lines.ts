// The lines a child process writes, read as they come: `seen` so far, a promise of the first line that
// matches (already seen or still to come), and of the next one from now on.
import { createInterface } from 'node:readline';

type Match = (line: string) => boolean;

export interface OutputLines {
  seen: string[];
  /** The first line that `match` accepts, seen already or to come. */
  find(match: Match): Promise<string>;
  /** The next line from now on that `match` accepts. */
  next(match: Match): Promise<string>;
}

export function outputLines(stream: NodeJS.ReadableStream): OutputLines {
  const seen: string[] = [];
  const waiting: Array<{ match: Match; resolve: (line: string) => void; reject: (err: Error) => void }> = [];
  createInterface({ input: stream })
    .on('line', (line) => {
      seen.push(line);
      for (const w of [...waiting]) if (w.match(line)) waiting.splice(waiting.indexOf(w), 1) && w.resolve(line);
    })
    .once('close', () => waiting.splice(0).forEach((w) => w.reject(new Error(`the stream ended before the line came; it had:\n${seen.join('\n')}`))));
  const next = (match: Match): Promise<string> => new Promise((resolve, reject) => waiting.push({ match, resolve, reject }));
  return {
    seen,
    next,
    find: (match) => {
      const found = seen.find(match);
      return found !== undefined ? Promise.resolve(found) : next(match);
    },
  };
}
