// The resolver of a @paginate field: fetches the service's pages one after another, from where the
// operation asks to start, until it has `first` items, the service has no more, or maxPages calls were
// made; then answers a list, or a Relay connection whose cursors say where each item was (opaque to
// clients: the offset, or the service's cursor or next link of the item's page and its index in it).
import type { GraphQLFieldResolver } from 'graphql';
import type { ServiceConfig } from '../config/config-schema.ts';
import { gatewayGraphQLError } from '../errors.ts';
import { restError } from '../loaders/rest-error.ts';
import type { EntityOwner } from '../loaders/batch-load.ts';
import { readPath } from '../read-path.ts';
import type { PaginationPlan } from '../sdl/plan-pagination.ts';
import type { RestFieldPlan } from '../sdl/plan-subgraph.ts';
import { mapEach } from '../sdl/selection-map.ts';
import type { TemplateScope } from '../sdl/template.ts';
import { complete } from './complete-entities.ts';
import { GENERATED_RESOLVERS, READ_ONLY_RESOLVERS, type ResolverContext } from './resolver-context.ts';

type Resolver = GraphQLFieldResolver<Record<string, unknown>, ResolverContext, Record<string, unknown>>;

/** Where a page starts: an item offset (OFFSET, PAGE), or a service cursor or link (null: the first page) and items to skip in it. */
type Position = { offset: number } | { page: string | null; skip: number };

const encodeCursor = (position: Position): string => Buffer.from(JSON.stringify(position)).toString('base64url');

function decodeCursor(cursor: unknown, style: PaginationPlan['style']): Position | undefined {
  if (typeof cursor !== 'string' || cursor === '') return undefined;
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if ((style === 'OFFSET' || style === 'PAGE') && Number.isSafeInteger(p.offset) && (p.offset as number) >= 0) return { offset: (p.offset as number) + 1 };
    if ((style === 'CURSOR' || style === 'LINK') && (typeof p.page === 'string' || p.page === null) && Number.isSafeInteger(p.skip)) return { page: p.page as string | null, skip: (p.skip as number) + 1 };
  } catch {
    // not one of ours: refused below
  }
  throw gatewayGraphQLError('BAD_USER_INPUT', 'after: not a cursor this field gave out');
}

/** The path and query of the rel="next" link of a Link header, relative to the service. */
function nextLink(header: unknown, basePath: string): string | null {
  const value = Array.isArray(header) ? header.join(', ') : typeof header === 'string' ? header : '';
  const m = /<([^>]*)>\s*;[^,]*\brel="?next"?/i.exec(value);
  if (!m) return null;
  const url = new URL(m[1]!, 'http://service.invalid');
  const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
  return (path.startsWith('/') ? path : `/${path}`) + url.search;
}

/** `completeWith`: the owner that completes items of an entity another service owns. */
export function createPaginatedResolver(plan: RestFieldPlan, config: ServiceConfig, weight: number, completeWith?: EntityOwner): Resolver {
  const p = plan.pagination as PaginationPlan;
  const basePath = new URL(config.urls[0]!).pathname.replace(/\/+$/, '');
  const size = p.sizeParam ? `${encodeURIComponent(p.sizeParam)}=${p.pageSize}` : '';
  const resolver: Resolver = async (parent, args, ctx) => {
    const scope: TemplateScope = { args, parent };
    const path = plan.path(scope);
    if (path === undefined) return null;
    const query = plan.query ? plan.query(scope) : '';
    const join = (extra: string): string => (extra ? `${path}${query}${query ? '&' : '?'}${extra}` : path + query);
    const want = Math.max(0, typeof args.first === 'number' ? args.first : p.pageSize);
    let position: Position = (p.connection ? decodeCursor(args.after, p.style) : undefined)
      ?? (p.style === 'OFFSET' || p.style === 'PAGE' ? { offset: Math.max(0, typeof args.offset === 'number' ? args.offset : 0) } : { page: null, skip: 0 });

    const edges: Array<{ cursor: string; node: unknown }> = [];
    let more = true;
    let total: unknown;
    for (let pages = 0; edges.length < want && more && pages < p.maxPages; pages++) {
      let url: string;
      let skip: number;
      if ('offset' in position) {
        // A page number starts on a multiple of the page size; an offset starts where it is asked to.
        const first = p.style === 'OFFSET' ? position.offset : position.offset - (position.offset % p.pageSize);
        skip = position.offset - first;
        const at = p.style === 'OFFSET' ? first : p.firstPage + first / p.pageSize;
        url = join([`${encodeURIComponent(p.param!)}=${at}`, size].filter(Boolean).join('&'));
      } else {
        skip = position.skip;
        url = position.page === null ? join(size) : p.style === 'LINK' ? position.page : join([`${encodeURIComponent(p.param!)}=${encodeURIComponent(position.page)}`, size].filter(Boolean).join('&'));
      }
      const res = await ctx.rest.call(plan.service, 'GET', url, undefined, weight, plan.headers?.(scope), plan.route);
      if (res.status < 200 || res.status > 299) throw restError(plan.service, res.status, res.body, config.errors);
      const answer = { ...scope, response: { status: res.status, headers: res.headers ?? {}, body: res.body } };
      const items = readPath(res.body, plan.select ?? []);
      if (!Array.isArray(items)) throw gatewayGraphQLError('UPSTREAM_ERROR', `${plan.service} service answered a page of ${plan.typeName}.${plan.fieldName} with something else than a list`, plan.service);
      total ??= p.total?.(answer);
      items.forEach((item, i) => {
        if (i < skip) return;
        const at: Position = 'offset' in position ? { offset: position.offset - skip + i } : { page: position.page, skip: i };
        edges.push({ cursor: encodeCursor(at), node: plan.map ? mapEach(item, plan.map) : item });
      });
      // Where the next page starts, and whether there is one.
      if ('offset' in position) {
        const next = position.offset - skip + items.length;
        more = items.length >= p.pageSize && (typeof total !== 'number' && typeof total !== 'string' ? true : next < Number(total));
        position = { offset: next };
      } else {
        const page = p.style === 'LINK' ? nextLink(res.headers?.link, basePath) : (p.next?.(answer) as string | null | undefined) ?? null;
        more = page !== null && page !== '';
        position = { page: more ? String(page) : null, skip: 0 };
      }
    }
    const hasNextPage = edges.length > want || more;
    const taken = edges.slice(0, want);
    if (completeWith) {
      const nodes = (await complete(taken.map((e) => e.node), completeWith, ctx)) as unknown[];
      taken.forEach((e, i) => (e.node = nodes[i]));
    }
    if (!p.connection) return taken.map((e) => e.node);
    const count = total === undefined || total === null || total === '' ? null : Number(total);
    return { edges: taken, pageInfo: { hasNextPage, endCursor: taken.at(-1)?.cursor ?? null }, totalCount: Number.isFinite(count) ? count : null };
  };
  GENERATED_RESOLVERS.add(resolver);
  READ_ONLY_RESOLVERS.add(resolver);
  return resolver;
}
