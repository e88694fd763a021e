// GraphiQL with every asset inlined from @graphql-yoga/render-graphiql, so it works with no internet
// (Yoga's default page loads them from a CDN). The package (~9 MB of JavaScript) is loaded only when a
// browser first asks for GraphiQL, and the page is rendered once and then reused.
import type { GraphiQLOptions } from 'graphql-yoga';

let page: Promise<string> | undefined;

export function renderLocalGraphiQL(options?: GraphiQLOptions): Promise<string> {
  page ??= import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL({ ...options, title: 'Gateway GraphiQL' }));
  return page;
}
