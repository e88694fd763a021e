// The passthrough route table: the longest configured prefix that matches a path wins; the matched
// prefix is replaced by the route's rewrite for the service.
import type { RouteAccess, RouteConfig } from '../config/config-schema.ts';

export interface RouteMatch {
  route: RouteConfig;
  /** The service's path: the rewrite plus what followed the prefix ("/users/7" → "/users/7"). */
  upstreamPath: string;
}

export interface RouteTable {
  match(path: string): RouteMatch | undefined;
}

export function createRouteTable(routes: readonly RouteConfig[]): RouteTable {
  const ordered = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
  return {
    match(path) {
      for (const route of ordered) {
        if (path === route.prefix || path.startsWith(`${route.prefix}/`)) {
          const rest = path.slice(route.prefix.length);
          return { route, upstreamPath: route.rewrite + rest || '/' };
        }
      }
      return undefined;
    },
  };
}

/** Who may use a method on a route ("*" covers the methods not named; HEAD is GET without a body). */
export function accessOf(route: RouteConfig, method: string): RouteAccess {
  return route.access[method] ?? (method === 'HEAD' ? route.access.GET : undefined) ?? route.access['*'] ?? 'public';
}
