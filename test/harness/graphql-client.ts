// gql(url, query): a GraphQL POST over real HTTP, returning status, headers and the parsed body.
export interface GraphQLErrorBody {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; service?: string; field?: string; [key: string]: unknown };
}
export interface GraphQLBody<D = any> {
  data?: D | null;
  errors?: GraphQLErrorBody[];
  extensions?: {
    upstream?: { calls: number; requests: Array<{ service: string; method: string; path: string; status: number; cache?: string }> };
    cost?: { estimated: { calls: number; items: number }; actual: { calls: number } };
    /** How the operation ran: compiled, replayed or general. */
    execution?: string;
  };
}
export interface GqlResult<D = any> {
  status: number;
  headers: Headers;
  body: GraphQLBody<D>;
}

export async function gql<D = any>(
  baseUrl: string,
  query: string,
  options: { variables?: Record<string, unknown>; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<GqlResult<D>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
    body: JSON.stringify({ query, variables: options.variables }),
    signal: options.signal ?? null,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLBody<D> };
}

/** The codes of a response's errors, in order. */
export const codesOf = (body: GraphQLBody): Array<string | undefined> => (body.errors ?? []).map((e) => e.extensions?.code);
