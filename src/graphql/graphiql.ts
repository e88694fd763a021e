// GraphiQL served from the gateway itself, with no internet (Yoga's default page loads from a CDN): a
// small page on GET /graphql that links its script, style and editor workers as separate files under
// /graphql/assets/, named by their content's hash so a browser keeps them for a year and asks again
// only when they change. The files (~9 MB of JavaScript, from @graphql-yoga/render-graphiql) are read
// and compressed once, in the background, when GraphiQL is enabled; each encoding is ready before it
// is first served.
import { createHash } from 'node:crypto';
import type { GraphiQLOptions } from 'graphql-yoga';
import { compress, ENCODINGS } from '../http/compression.ts';
import type { StaticFile } from '../http/static-file.ts';

export const GRAPHIQL_ASSETS_PATH = '/graphql/assets/';

export type GraphiQLAsset = StaticFile;

interface Built {
  assets: Map<string, GraphiQLAsset>;
  page(options?: GraphiQLOptions): string;
}

const HTML_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };
/** JSON that can sit inside a <script> element. */
const scriptJson = (value: unknown): string => JSON.stringify(value ?? {}).replace(/[<>&\u2028\u2029]/g, (c) => HTML_ESCAPES[c]!);

async function build(): Promise<Built> {
  const files = await import('@graphql-yoga/render-graphiql/graphiql');
  const assets = new Map<string, GraphiQLAsset>();
  const add = (name: string, ext: 'js' | 'css', text: string): string => {
    const body = Buffer.from(text, 'utf8');
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16);
    const file = `${name}.${hash}.${ext}`;
    const encoded = new Map(ENCODINGS.map((e) => [e, compress(body, e, 'static')] as const));
    assets.set(file, { contentType: ext === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', etag: `"${hash}"`, body, encoded });
    return GRAPHIQL_ASSETS_PATH + file;
  };
  const script = add('graphiql', 'js', files.js);
  const style = add('graphiql', 'css', files.css);
  const workers = { editorWorkerService: add('editor.worker', 'js', files.editorWorkerService), json: add('json.worker', 'js', files.jsonWorker), graphql: add('graphql.worker', 'js', files.graphqlWorker) };
  const page = (options?: GraphiQLOptions): string => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Gateway GraphiQL</title>
    <link rel="icon" href="${files.favicon}" />
    <link rel="stylesheet" href="${style}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${scriptJson(workers)};
      self['MonacoEnvironment'] = { globalAPI: false, getWorkerUrl: (moduleId, label) => workers[label] };
    </script>
    <script src="${script}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(window.document.querySelector('#root'), ${scriptJson(options)});
    </script>
  </body>
</html>
`;
  return { assets, page };
}

let built: Promise<Built> | undefined;

/** Starts reading and compressing GraphiQL's files (when GraphiQL is on), so the first browser does not wait. */
export function prepareGraphiQL(): void {
  built ??= build();
}

/** The page Yoga serves on GET /graphql to a browser. */
export async function renderLocalGraphiQL(options?: GraphiQLOptions): Promise<string> {
  prepareGraphiQL();
  return (await built!).page(options);
}

/** One of GraphiQL's files by its name under /graphql/assets/, or undefined. */
export async function graphiqlAsset(file: string): Promise<GraphiQLAsset | undefined> {
  prepareGraphiQL();
  return (await built!).assets.get(file);
}
