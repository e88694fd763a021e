// OpenAPI operations → root fields with @rest: GET → Query, the other methods → Mutation; path, query
// and header parameters become arguments, a JSON request body an `input` argument; the first 2xx JSON
// answer is the field's type (with `select` when the list sits under one property of it). A type with
// both a GET /things/{id} and a GET /things?ids=… becomes an @entity loaded in batches, and the single
// GET a @ref through it. An operation that cannot be mapped is left out with a comment saying why.
import { description, fieldName, isName, literal, typeName, unique } from './graphql-names.ts';
import type { OpenApiDocument, SchemaObject } from './read-document.ts';
import { failed, SchemaTypes } from './schema-types.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie' | 'body' | 'formData';
  required?: boolean;
  description?: string;
  schema?: SchemaObject;
  content?: Record<string, { schema?: SchemaObject }>;
  style?: string;
  explode?: boolean;
  collectionFormat?: string;
  [swagger2: string]: unknown;
}

/** Headers the gateway sets itself or that a @rest field may not carry: configure them per service instead. */
const GATEWAY_HEADERS = new Set(['authorization', 'cookie', 'host', 'content-type', 'content-length', 'accept', 'x-request-id', 'traceparent']);

interface RootField {
  root: 'Query' | 'Mutation';
  name: string;
  lines: string[];
  /** For entity detection. */
  method: Method;
  path: string;
  returns?: { type: string; select?: string };
  /** GET /things/{id} with nothing else required: its one path parameter and argument. */
  byKey?: { param: string; arg: string };
  /** List parameters that take several ids: GET /things?ids=1,2. */
  idsParams: Array<{ name: string; joined: boolean }>;
}

/** Query parameters that size a page: limit, first, per_page, pageSize, size, count, top. */
const PAGE_SIZE = /^(limit|first|top|count|size|per_?page|page_?size|perPage|pageSize|max_?results|maxResults)$/i;

const isJson = (type: string): boolean => /^application\/(.+\+)?json\b/i.test(type) || type === '*/*';

export interface MappedDocument {
  sdl: string;
  /** One line per operation, property or parameter left out, also written as comments in the SDL. */
  skipped: string[];
  entities: string[];
}

export function mapOpenApi(doc: OpenApiDocument, options: { service: string; source: string }): MappedDocument {
  const types = new SchemaTypes(doc);
  const api = doc.api;
  const skipped: string[] = [];
  const fields: RootField[] = [];
  const taken = { Query: new Set<string>(), Mutation: new Set<string>() };
  const resolve = <T>(v: T & { $ref?: string }): T => (v?.$ref ? (doc.resolve(v.$ref) as T) : v);

  for (const [path, rawItem] of Object.entries((api.paths ?? {}) as Record<string, any>)) {
    const item = resolve(rawItem) ?? {};
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const mapped = mapOperation(doc, types, path, method, op, [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve) as Parameter[], taken);
      if ('why' in mapped) {
        skipped.push(`${where}${op.operationId ? ` (${op.operationId})` : ''}: ${mapped.why}`);
        continue;
      }
      for (const note of mapped.notes) skipped.push(`${where}: ${note}`);
      fields.push(mapped.field);
    }
  }

  // Entities: a GET /things/{id} answering T and a GET /things?ids=… answering [T].
  const entities: string[] = [];
  for (const one of fields) {
    if (!one.byKey || !one.returns || one.returns.select) continue;
    const typeName = one.returns.type.replace(/!$/, '');
    const base = one.path.slice(0, one.path.lastIndexOf('/'));
    const list = fields.find((f) => f.method === 'get' && f.path === base && f.idsParams.length > 0 && !f.returns?.select && f.returns?.type.replace(/[[\]!]/g, '') === typeName && f.returns.type.startsWith('['));
    const props = types.fieldsOf(typeName);
    const key = props?.has(one.byKey.param) ? one.byKey.param : props?.has('id') ? 'id' : undefined;
    if (!list || !key || entities.includes(typeName)) continue;
    // ?ids= or ?{key}s= (not ?directorIds=, which lists other things by another key)
    const ids = list.idsParams.find((p) => p.name.toLowerCase() === 'ids' || p.name === `${key}s`);
    if (!ids) continue;
    types.annotate(typeName, `@entity(key: ${JSON.stringify(key)}, batchPath: ${JSON.stringify(base)}, batchParam: ${JSON.stringify(ids.name)}${ids.joined ? '' : ', keys: REPEATED'}, match: KEY)`);
    // The single GET goes through the entity's batches: every lookup in a request is one call.
    const at = one.lines.findIndex((l) => l.includes('@rest('));
    one.lines[at] = one.lines[at]!.replace(/@rest\(.*\)$/, `@ref(key: "{args.${one.byKey.arg}}")`);
    entities.push(typeName);
  }

  const header = [
    `# The ${options.service} service, imported from ${options.source} (${doc.swagger2 ? 'Swagger' : 'OpenAPI'} ${doc.version}${api.info?.title ? `, "${api.info.title}"` : ''}${api.info?.version ? ` ${api.info.version}` : ''})`,
    '# by `npm run import-openapi`. It passes the gateway\'s start-up checks as it is; edit it from here on',
    '# (descriptions, access rules, @listSize where no page-size argument gives it, fields that refer to other',
    '# services\' entities).',
    ...serverNote(api),
    ...(skipped.length > 0 ? ['#', '# Not mapped:', ...skipped.map((s) => `#   ${s}`)] : []),
  ];
  const root = (name: 'Query' | 'Mutation'): string[] => {
    const own = fields.filter((f) => f.root === name);
    return own.length === 0 ? [] : [[`type ${name} {`, ...own.flatMap((f) => f.lines), '}'].join('\n')];
  };
  const sdl = [header.join('\n'), ...root('Query'), ...root('Mutation'), ...types.sdl()].join('\n\n') + '\n';
  return { sdl, skipped, entities };
}

function serverNote(api: Record<string, any>): string[] {
  const servers: string[] = api.servers?.map((s: { url: string }) => s.url) ?? (api.host ? [`${api.schemes?.[0] ?? 'https'}://${api.host}${api.basePath ?? ''}`] : []);
  return servers.length > 0 ? ['#', `# The document's servers: ${servers.join(', ')} (the service's "urls" in the gateway's configuration).`] : [];
}

type OperationResult = { field: RootField; notes: string[] } | { why: string };

function mapOperation(doc: OpenApiDocument, types: SchemaTypes, path: string, method: Method, op: any, rawParams: Parameter[], taken: Record<'Query' | 'Mutation', Set<string>>): OperationResult {
  const root = method === 'get' ? 'Query' : 'Mutation';
  const notes: string[] = [];
  // An operation's parameter overrides the path item's of the same name and place.
  const params = [...new Map(rawParams.filter(Boolean).map((p) => [`${p.in}:${p.name}`, p])).values()];
  const baseName = op.operationId ? fieldName(op.operationId) : generatedName(method, path);
  const hint = typeName(baseName);
  const args: string[] = [];
  const argNames = new Set<string>();
  const query: Record<string, string> = {};
  const headers: Array<{ name: string; value: string }> = [];
  let pathTemplate = path;
  let body: string | undefined;
  let byKey: RootField['byKey'];
  const idsParams: RootField['idsParams'] = [];
  let pageSize: { arg: string; given: boolean; max: number | undefined } | undefined;

  for (const p of params) {
    const what = `${p.in} parameter "${p.name}"`;
    if (p.in === 'body') continue; // Swagger 2's body: below
    if (p.in === 'cookie' || p.in === 'formData') {
      if (p.required) return { why: `${what} is required and cookies and form fields do not map` };
      notes.push(`${what} left out (cookies and form fields do not map)`);
      continue;
    }
    if (p.in === 'header' && GATEWAY_HEADERS.has(p.name.toLowerCase())) {
      notes.push(`${what} left out: the gateway sets it (configure a service's headers in its config entry)`);
      continue;
    }
    const schema = paramSchema(doc, p);
    const arg = unique(fieldName(p.name), argNames);
    const mapped = schema ? types.input(schema, `${hint}${typeName(p.name)}`, p.name) : { why: 'no schema' };
    const list = !failed(mapped) && mapped.type.startsWith('[');
    const exploded = list && (doc.swagger2 ? p.collectionFormat === 'multi' : (p.style ?? 'form') === 'form' && p.explode !== false);
    const why = failed(mapped)
      ? mapped.why
      : p.in === 'query' && !isName(p.name)
        ? 'not a GraphQL name, which a query template key must be'
        : p.in !== 'path' && types.isInputObject(mapped.type)
          ? `an object (${p.style ?? 'form'} style), which the gateway does not spell in a ${p.in === 'header' ? 'header' : 'query string'}`
        : p.in === 'query' && list && (exploded || (p.style && p.style !== 'form') || (p.collectionFormat && p.collectionFormat !== 'csv'))
          ? 'a list sent other than comma-joined (the gateway joins list arguments with commas)'
          : undefined;
    if (p.in === 'query' && list && exploded && /ids$/i.test(p.name)) idsParams.push({ name: p.name, joined: false });
    if (why) {
      if (p.required || p.in === 'path') return { why: `${what}: ${why}` };
      notes.push(`${what} left out: ${why}`);
      continue;
    }
    if (failed(mapped)) continue;
    const required = p.in === 'path' || p.required === true;
    const defaultValue = schema?.default !== undefined && !required ? literal(schema.default, mapped.type !== 'String' && mapped.type !== 'ID') : undefined;
    args.push(...description(p.description, '    '), `    ${arg}: ${mapped.type}${required && !mapped.type.endsWith('!') ? '!' : ''}${defaultValue !== undefined ? ` = ${defaultValue}` : ''}`);
    if (p.in === 'query' && mapped.type.replace(/!$/, '') === 'Int' && PAGE_SIZE.test(p.name)) pageSize ??= { arg, given: required || defaultValue !== undefined, max: schema?.maximum };
    if (p.in === 'path') pathTemplate = pathTemplate.replaceAll(`{${p.name}}`, `{args.${arg}}`);
    else if (p.in === 'query') {
      query[p.name] = `{args.${arg}}`;
      if (list && /ids$/i.test(p.name)) idsParams.push({ name: p.name, joined: true });
    } else headers.push({ name: p.name.toLowerCase(), value: `{args.${arg}}` });
  }
  const unbound = /\{(?!args\.)([^}]+)\}/.exec(pathTemplate);
  if (unbound) return { why: `path parameter "${unbound[1]}" is not declared` };

  // The request body: JSON only.
  const bodySchema = requestBodySchema(doc, op, params);
  if (bodySchema && 'why' in bodySchema) return bodySchema;
  if (bodySchema) {
    const mapped = types.input(bodySchema.schema, `${hint}Input`);
    if (failed(mapped)) return { why: `request body: ${mapped.why}` };
    const arg = unique('input', argNames);
    args.push(`    ${arg}: ${mapped.type}${bodySchema.required && !mapped.type.endsWith('!') ? '!' : ''}`);
    body = `{args.${arg}}`;
  }

  // The answer: the first 2xx with a JSON body; none (204) answers the status.
  const answer = responseSchema(doc, op);
  if ('why' in answer) return answer;
  let returns: RootField['returns'];
  let value: string | undefined;
  if (answer.schema) {
    const listed = listUnderProperty(doc, types, answer.schema, hint);
    const mapped = listed ?? types.output(answer.schema, `${hint}Result`);
    if (failed(mapped)) return { why: `the ${answer.status} answer: ${mapped.why}` };
    returns = { type: mapped.type, ...(listed && { select: listed.select }) };
  } else {
    returns = { type: 'Int' };
    value = '{response.status}';
  }

  const name = unique(baseName, taken[root]);
  const directive = [
    method === 'get' ? undefined : `method: ${method.toUpperCase()}`,
    `path: ${JSON.stringify(pathTemplate)}`,
    Object.keys(query).length > 0 ? `query: ${literal(query)}` : undefined,
    body ? `body: ${JSON.stringify(body)}` : undefined,
    headers.length > 0 ? `headers: ${literal(headers)}` : undefined,
    returns.select ? `select: ${JSON.stringify(returns.select)}` : undefined,
    value ? `value: ${JSON.stringify(value)}` : undefined,
  ].filter(Boolean);
  const pathParams = params.filter((p) => p.in === 'path');
  if (method === 'get' && pathParams.length === 1 && path.endsWith(`/{${pathParams[0]!.name}}`) && !params.some((p) => p.in !== 'path' && p.required)) {
    byKey = { param: pathParams[0]!.name, arg: fieldName(pathParams[0]!.name) };
  }
  // A list with a page-size argument: its size for the cost estimate (@listSize), as a hand-written file has.
  const listSize = returns.type.startsWith('[') && pageSize
    ? ` @listSize(slicingArguments: [${JSON.stringify(pageSize.arg)}]${pageSize.given ? '' : `, requireOneSlicingArgument: false${pageSize.max !== undefined ? `, assumedSize: ${pageSize.max}` : ''}`})`
    : '';
  const lines = [
    ...description([op.summary, op.description].filter(Boolean).join('\n\n') || undefined, '  '),
    ...(op.deprecated ? ['  # deprecated in the document'] : []),
    `  ${name}${argumentList(args)}: ${returns.type} @rest(${directive.join(', ')})${listSize}`,
  ];
  return { field: { root, name, lines, method, path, returns, ...(byKey && { byKey }), idsParams }, notes };
}

/** (a: Int, b: ID!) on the field's line; one per line when any has a description. */
function argumentList(args: string[]): string {
  if (args.length === 0) return '';
  if (args.every((a) => !a.trimStart().startsWith('"'))) return `(${args.map((a) => a.trim()).join(', ')})`;
  return `(\n${args.join('\n')}\n  )`;
}

function generatedName(method: Method, path: string): string {
  const parts = path.split('/').filter(Boolean).map((s) => (s.startsWith('{') ? `By ${s.slice(1, -1)}` : s));
  return fieldName(`${method} ${parts.join(' ')}`.replace(/[^0-9A-Za-z]+/g, ' ').trim().replace(/ (\w)/g, (_, c: string) => c.toUpperCase()));
}

function paramSchema(doc: OpenApiDocument, p: Parameter): SchemaObject | undefined {
  if (p.schema) return p.schema;
  if (p.content) return Object.entries(p.content).find(([type]) => isJson(type))?.[1].schema;
  // Swagger 2: the type sits on the parameter itself.
  if (doc.swagger2 && typeof p.type === 'string') return p as unknown as SchemaObject;
  return undefined;
}

function requestBodySchema(doc: OpenApiDocument, op: any, params: Parameter[]): { schema: SchemaObject; required: boolean } | { why: string } | undefined {
  if (doc.swagger2) {
    const p = params.find((x) => x.in === 'body');
    if (p?.schema) return { schema: p.schema, required: p.required === true };
    if (params.some((x) => x.in === 'formData' && x.required)) return { why: 'a form body (only JSON bodies map)' };
    return undefined;
  }
  const rb = op.requestBody?.$ref ? doc.resolve(op.requestBody.$ref) : op.requestBody;
  if (!rb?.content) return undefined;
  const json = Object.entries(rb.content as Record<string, { schema?: SchemaObject }>).find(([type]) => isJson(type));
  if (!json?.[1].schema) {
    const kinds = Object.keys(rb.content).join(', ');
    return rb.required ? { why: `a ${kinds} request body (only JSON bodies map)` } : undefined;
  }
  return { schema: json[1].schema, required: rb.required === true };
}

function responseSchema(doc: OpenApiDocument, op: any): { status: string; schema?: SchemaObject } | { why: string } {
  const codes = Object.keys(op.responses ?? {}).filter((c) => /^2(\d\d|XX)$/i.test(c)).sort();
  if (codes.length === 0) return { why: 'no 2xx answer is described' };
  for (const status of codes) {
    const raw = op.responses[status];
    const r = raw?.$ref ? doc.resolve(raw.$ref) : raw;
    if (doc.swagger2) {
      if (r?.schema) return { status, schema: r.schema };
      continue;
    }
    const content = Object.entries((r?.content ?? {}) as Record<string, { schema?: SchemaObject }>);
    const json = content.find(([type]) => isJson(type));
    if (json?.[1].schema) return { status, schema: json[1].schema };
    if (content.length > 0) return { why: `the ${status} answer is ${content.map(([t]) => t).join(', ')} (only JSON answers map)` };
  }
  return { status: codes[0]! };
}

/** { data: [Item], meta: … }: the list, selected from its one list property (the rest is page metadata). */
function listUnderProperty(doc: OpenApiDocument, types: SchemaTypes, schema: SchemaObject, hint: string): { type: string; nullable: boolean; select: string } | undefined {
  let s = schema;
  for (let hops = 0; s?.$ref && hops < 32; hops++) s = doc.resolve(s.$ref) as SchemaObject;
  // A record with an id is a thing, not an envelope around a page of things.
  if (!s?.properties || Object.keys(s.properties).some((p) => /^id$/i.test(p))) return undefined;
  const lists = Object.entries(s.properties).filter(([, p]) => {
    let q = p;
    for (let hops = 0; q?.$ref && hops < 32; hops++) q = doc.resolve(q.$ref) as SchemaObject;
    return q?.type === 'array' || (Array.isArray(q?.type) && q.type.includes('array'));
  });
  if (lists.length !== 1 || !isName(lists[0]![0])) return undefined;
  const [prop, listSchema] = lists[0]!;
  const mapped = types.output(listSchema, `${hint}Item`, prop);
  if (failed(mapped) || !/^\[[A-Z]/.test(mapped.type) || /^\[(String|Int|Float|Boolean|ID)!?\]$/.test(mapped.type)) return undefined;
  return { ...mapped, select: prop };
}
