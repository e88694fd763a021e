// Operation limits and the cost budget, checked after parsing and validation and before any REST call:
// the document's tokens while it is parsed (graphql-js's maxTokens), then the operation's depth,
// aliases, root fields, directives and field selections with fragments expanded, then its worst case in
// REST calls and items from the cost model. Each refusal is HTTP 400 with its own code, the limit and
// what was found; a limit in warnOnly logs instead and lets the operation run. The shape of an
// operation is measured once per parsed document (Yoga caches documents by their text).
import { GraphQLError, Kind, parse, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { CostLimits, LimitName, OperationLimits } from '../../config/config-schema.ts';
import type { GatewayErrorCode } from '../../errors.ts';
import { refusal } from '../error-response.ts';
import type { Logger } from '../../logger.ts';
import type { CostModel } from '../../sdl/cost-model.ts';
import type { ResolverContext } from '../../resolvers/resolver-context.ts';
import { estimateCost, SlicingArgumentError, type CostEstimate } from '../limits/estimate-cost.ts';
import { measureOperation, type OperationShape } from '../limits/measure-operation.ts';

export interface OperationLimitsOptions {
  limits: OperationLimits;
  cost: CostLimits;
  costModel: CostModel;
  /** Introspection is on (development): its own nesting does not count against the depth limit. */
  ignoreIntrospectionDepth: boolean;
  logger: Logger;
}

/** What the plugin leaves in the context for the dev-mode extensions. */
export interface CostContext {
  costEstimate?: CostEstimate;
}

const CHECKS: ReadonlyArray<{ name: Exclude<LimitName, 'tokens'>; code: GatewayErrorCode; what: (n: string) => string }> = [
  { name: 'depth', code: 'MAX_DEPTH_EXCEEDED', what: (n) => `nests fields ${n} levels deep` },
  { name: 'aliases', code: 'MAX_ALIASES_EXCEEDED', what: (n) => `has ${n} aliases` },
  { name: 'rootFields', code: 'MAX_ROOT_FIELDS_EXCEEDED', what: (n) => `asks for ${n} root fields` },
  { name: 'directives', code: 'MAX_DIRECTIVES_EXCEEDED', what: (n) => `uses ${n} directives` },
  { name: 'fields', code: 'MAX_FIELDS_EXCEEDED', what: (n) => `selects ${n} fields with its fragments expanded` },
];

const TOKEN_LIMIT = /contains more tha[nt] \d+ tokens/;

/** Counts beyond 2^53 (fragments spread into each other) are shown as "more than 9007199254740991". */
const count = (n: number): string => (Number.isSafeInteger(n) ? String(n) : `more than ${Number.MAX_SAFE_INTEGER}`);

interface Analysis {
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
  shape: OperationShape;
  /** The estimate, when it depends on no variable. */
  fixedCost?: CostEstimate | SlicingArgumentError;
}

export function useOperationLimits({ limits, cost, costModel, ignoreIntrospectionDepth, logger }: OperationLimitsOptions): Plugin<ResolverContext & CostContext> {
  const warnOnly = new Set(limits.warnOnly);
  const analyses = new WeakMap<DocumentNode, Map<string, Analysis | null>>();

  const analyze = (document: DocumentNode, operationName: string | null | undefined): Analysis | null => {
    let byName = analyses.get(document);
    if (!byName) analyses.set(document, (byName = new Map()));
    const key = operationName ?? '';
    let analysis = byName.get(key);
    if (analysis !== undefined) return analysis;
    const fragments = new Map<string, FragmentDefinitionNode>();
    let operation: OperationDefinitionNode | undefined;
    for (const def of document.definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
      else if (def.kind === Kind.OPERATION_DEFINITION && (operationName ? def.name?.value === operationName : !operation)) operation = def;
    }
    analysis = operation ? { operation, fragments, shape: measureOperation(operation, fragments, ignoreIntrospectionDepth) } : null;
    byName.set(key, analysis);
    return analysis;
  };

  const tokenMessage = `The document has more than ${limits.tokens} tokens, over the limit (graphql.limits.tokens); it was refused while parsing.`;
  const parseWithTokenLimit: typeof parse = (source, options) => {
    try {
      return parse(source, { ...options, maxTokens: limits.tokens });
    } catch (err) {
      if (!(err instanceof GraphQLError) || !TOKEN_LIMIT.test(err.message)) throw err;
      if (!warnOnly.has('tokens')) throw tokensRefusal(tokenMessage, limits.tokens);
      logger.warn('operation over a limit (warn only)', { limit: 'tokens', max: limits.tokens });
      return parse(source, options);
    }
  };

  return {
    onParse({ setParseFn }) {
      setParseFn(parseWithTokenLimit);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const analysis = analyze(args.document, args.operationName);
      if (!analysis) return; // execution reports the missing operation itself
      const context = args.contextValue;
      // The request's own logger carries its id; without a scope (tests of the plugin alone), the gateway's.
      const log = context.rest?.log ?? logger;
      const errors: GraphQLError[] = [];
      for (const check of CHECKS) {
        const found = analysis.shape[check.name];
        const limit = limits[check.name];
        if (found <= limit) continue;
        const message = `The operation ${check.what(count(found))}, over the limit of ${limit} (graphql.limits.${check.name}).`;
        if (warnOnly.has(check.name)) log.warn('operation over a limit (warn only)', { limit: check.name, max: limit, found: safe(found) });
        else errors.push(refusal(check.code, message, { limit, found: safe(found) }));
      }
      if (errors.length > 0) return setResultAndStopExecution({ errors });

      let estimate: CostEstimate | SlicingArgumentError;
      const fixed = !analysis.operation.variableDefinitions?.length;
      if (fixed && analysis.fixedCost) estimate = analysis.fixedCost;
      else {
        try {
          estimate = estimateCost({ schema: args.schema, model: costModel, operation: analysis.operation, fragments: analysis.fragments, variables: args.variableValues ?? undefined, defaultListSize: cost.defaultListSize });
        } catch (err) {
          if (!(err instanceof SlicingArgumentError)) throw err;
          estimate = err;
        }
        if (fixed) analysis.fixedCost = estimate;
      }
      if (estimate instanceof SlicingArgumentError) {
        return setResultAndStopExecution({ errors: [refusal('GRAPHQL_VALIDATION_FAILED', `${estimate.message} (@listSize requireOneSlicingArgument).`)] });
      }
      if (estimate.calls > cost.maxCalls || estimate.items > cost.maxItems) {
        const over = estimate.calls > cost.maxCalls
          ? `make ${count(estimate.calls)} REST calls, over the limit of ${cost.maxCalls} (graphql.cost.maxCalls)`
          : `return ${count(estimate.items)} items, over the limit of ${cost.maxItems} (graphql.cost.maxItems)`;
        const extensions = { cost: { calls: safe(estimate.calls), items: safe(estimate.items) }, limit: { calls: cost.maxCalls, items: cost.maxItems } };
        if (!cost.warnOnly) return setResultAndStopExecution({ errors: [refusal('COST_LIMIT_EXCEEDED', `The operation could ${over} in the worst case; ask for fewer or smaller lists.`, extensions)] });
        log.warn('operation over the cost budget (warn only)', extensions);
      }
      context.costEstimate = estimate;
    },
  };
}

const safe = (n: number): number | string => (Number.isSafeInteger(n) ? n : count(n));

/**
 * A refused document is answered 400 like the other limits. Yoga marks every parse failure as the
 * spec's own (`http.spec ||= true`: 200 to an application/json client) after this plugin's hooks, so
 * this one's `spec` reads false whatever is written to it.
 */
function tokensRefusal(message: string, limit: number): GraphQLError {
  const error = refusal('MAX_TOKENS_EXCEEDED', message, { limit });
  Object.defineProperty(error.extensions.http, 'spec', { get: () => false, set: () => {}, enumerable: false });
  return error;
}
