// GraphiQL with every asset inlined from @graphql-yoga/render-graphiql, so it works with no internet
// (Yoga's default page loads them from a CDN). The ~9 MB page is rendered once and then reused.
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';

let page: string | undefined;

export function renderLocalGraphiQL(options?: GraphiQLOptions): string {
  page ??= renderGraphiQL({ ...options, title: 'Gateway GraphiQL' });
  return page;
}
