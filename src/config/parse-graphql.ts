// The `graphql` section of a config layer: GraphiQL and dev extensions, the body limit, the production
// switches (introspection, field suggestions, CSRF prevention), the operation deadline, the operation
// limits and the cost budget.
import {
  fail,
  LIMIT_NAMES,
  parseArray,
  parseBoolean,
  parseDuration,
  parseInteger,
  parseObject,
  type GatewayConfig,
  type LimitName,
} from './config-schema.ts';

const KEYS = ['graphiql', 'devExtensions', 'maxBodyBytes', 'introspection', 'fieldSuggestions', 'csrfPrevention', 'operationTimeout', 'limits', 'cost'] as const;
const COST_KEYS = ['maxCalls', 'maxItems', 'defaultListSize', 'runtimeMaxCalls', 'warnOnly'] as const;
const MAX = 1_000_000_000;

export function applyGraphqlLayer(g: GatewayConfig['graphql'], raw: unknown, where: (p: string) => string): void {
  const r = parseObject(raw, where(''), KEYS);
  for (const key of ['graphiql', 'devExtensions', 'introspection', 'fieldSuggestions', 'csrfPrevention'] as const) {
    if (r[key] !== undefined) g[key] = parseBoolean(r[key], where(`/${key}`));
  }
  if (r.maxBodyBytes !== undefined) g.maxBodyBytes = parseInteger(r.maxBodyBytes, where('/maxBodyBytes'), 1024, 64 * 1024 * 1024);
  if (r.operationTimeout !== undefined) {
    g.operationTimeoutMs = parseDuration(r.operationTimeout, where('/operationTimeout'));
    if (g.operationTimeoutMs < 10) fail(where('/operationTimeout'), 'expected at least 10ms');
  }
  if (r.limits !== undefined) {
    const l = parseObject(r.limits, where('/limits'), ['enabled', ...LIMIT_NAMES, 'warnOnly']);
    if (l.enabled !== undefined) g.limits.enabled = parseBoolean(l.enabled, where('/limits/enabled'));
    for (const name of LIMIT_NAMES) {
      if (l[name] !== undefined) g.limits[name] = parseInteger(l[name], where(`/limits/${name}`), 1, MAX);
    }
    if (l.warnOnly === true || l.warnOnly === false) g.limits.warnOnly = l.warnOnly ? [...LIMIT_NAMES] : [];
    else if (l.warnOnly !== undefined) {
      g.limits.warnOnly = parseArray(l.warnOnly, where('/limits/warnOnly')).map((name, i) => {
        if (!LIMIT_NAMES.includes(name as LimitName)) fail(where(`/limits/warnOnly/${i}`), `expected one of ${LIMIT_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
        return name as LimitName;
      });
    }
  }
  if (r.cost !== undefined) {
    const c = parseObject(r.cost, where('/cost'), COST_KEYS);
    for (const key of ['maxCalls', 'maxItems', 'defaultListSize', 'runtimeMaxCalls'] as const) {
      if (c[key] !== undefined) g.cost[key] = parseInteger(c[key], where(`/cost/${key}`), key === 'defaultListSize' ? 0 : 1, MAX);
    }
    if (c.warnOnly !== undefined) g.cost.warnOnly = parseBoolean(c.warnOnly, where('/cost/warnOnly'));
  }
}
