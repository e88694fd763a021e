// The directives of a REST-wrapped subgraph: their SDL (validated against every schema/*.graphql file)
// and the typed form of their arguments, read straight from the SDL's AST.
import { Kind, parse, Source, type ConstDirectiveNode, type ConstValueNode, type DocumentNode } from 'graphql';

export const REST_DIRECTIVES_SDL = /* GraphQL */ `
  "HTTP methods a @rest field can call."
  enum RestMethod { GET POST PUT PATCH DELETE }

  """
  How a batch call sends its keys: JOINED ?ids=1,2,3; REPEATED ?id=1&id=2 (json-server, Tailcall);
  BRACKETED ?ids[]=1&ids[]=2; BODY a POST of { "ids": ["1", "2"] } (entities only).
  """
  enum BatchKeys { JOINED REPEATED BRACKETED BODY }

  """
  How a batch answer is matched to its keys: POSITION, an array in key order with null where one is
  missing; KEY, items in any order matched by their key field, the missing ones left out.
  """
  enum BatchMatch { POSITION KEY }

  """
  A value written in the SDL: a string that may hold placeholders ({args.name}, {parent.field}), or an
  object or list of such values, e.g. { limit: "{args.limit}" }.
  """
  scalar RestTemplate

  """
  Resolves the field with one REST call to this file's service. path: "/users/{args.id}" (each
  placeholder one encoded segment); query: { name: template } (null values left out); body: a template
  (the JSON body); headers: [{ name: "accept-language", value: "{args.lang}" }] (templates over the
  arguments and the parent; secrets belong in the service's config, never here); select: a dotted path into the JSON
  answer; map: a selection mapping for this field's answer, as @map on a type; value: the field's value as
  a template over the answer instead ("{response.headers.x-total-count}", "{response.status}",
  "{response.body.meta.total}") and the arguments and parent.
  """
  directive @rest(method: RestMethod = GET, path: String!, query: RestTemplate, body: RestTemplate, headers: RestTemplate, select: String, map: String, value: String) on FIELD_DEFINITION

  """
  How this service's JSON answers become the type's fields, wherever the type comes from it: the fields
  to fill, each from where it is in the answer ("firstName: first_name city: address.city location: {
  lat: latitude }"). Fields it does not name are read under their own names.
  """
  directive @map(selection: String!) on OBJECT

  """
  Marks an entity: a type identified by its key field that other services may refer to. The service
  that owns it says how to load it: batchPath answers GET batchPath?batchParam=k1,k2 with an array in
  key order (null where missing); path ("/movies/{key}") loads one at a time. A declaration with neither
  is a reference to an entity another service owns.
  """
  directive @entity(key: String = "id", batchPath: String, batchParam: String = "ids", keys: BatchKeys = JOINED, match: BatchMatch = POSITION, path: String) on OBJECT

  """
  Resolves to entities of the field's type by key, through the owning service's loader (batched per
  request). key: "{parent.directorId}", "{parent.favoriteMovieIds}" (a list), or "{args.id}".
  """
  directive @ref(key: String!) on FIELD_DEFINITION

  """
  Batches a @rest field across parents: calls that differ only in the query parameter \`param\` (which
  reads one {parent.x} placeholder) go out as one call with the values joined by commas, e.g.
  GET /movies?directorIds=1,2,3; the list that comes back is split by each item's \`groupBy\` field.
  """
  directive @batch(param: String!, groupBy: String!, keys: BatchKeys = JOINED) on FIELD_DEFINITION

  "Kept for resolvers (raw ids), hidden from the public schema."
  directive @internal on FIELD_DEFINITION

  "How a service pages a list: by item offset, page number, a cursor in the answer, or a Link header with rel=next."
  enum PageStyle { OFFSET PAGE CURSOR LINK }

  """
  The @rest list comes in pages, fetched one after another as the operation needs them (at most maxPages
  for one field). param: the query parameter of the offset (OFFSET), the page number (PAGE) or the
  cursor (CURSOR); sizeParam: of the page size; next (CURSOR): where an answer holds the next cursor, a
  template such as "{response.body.meta.next_cursor}"; total: the count of all items, if the service
  gives one ("{response.headers.x-total-count}"). The field takes first: Int (how many), and offset: Int
  (OFFSET, PAGE) or, with connection, after: String; connection makes it a Relay connection (edges,
  pageInfo, totalCount), generated from the item type.
  """
  directive @paginate(style: PageStyle!, param: String, sizeParam: String, pageSize: Int = 50, firstPage: Int = 1, next: String, total: String, maxPages: Int = 10, connection: Boolean = false) on FIELD_DEFINITION
`;

export const restDirectivesDocument: DocumentNode = parse(new Source(REST_DIRECTIVES_SDL, 'rest-directives.graphql'));

export type RestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestDirective {
  method: RestMethod;
  path: string;
  query?: unknown;
  body?: unknown;
  select?: string;
  map?: string;
  headers?: unknown;
  value?: string;
  node: ConstDirectiveNode;
}
export type BatchKeys = 'JOINED' | 'REPEATED' | 'BRACKETED' | 'BODY';
export type BatchMatch = 'POSITION' | 'KEY';

export interface EntityDirective {
  key: string;
  batchPath?: string;
  batchParam: string;
  keys: BatchKeys;
  match: BatchMatch;
  path?: string;
  node: ConstDirectiveNode;
}
export interface RefDirective {
  key: string;
  node: ConstDirectiveNode;
}

/** A literal from the SDL as plain JSON (objects, lists, strings, numbers, booleans, null, enum names). */
export function valueFromLiteral(node: ConstValueNode): unknown {
  switch (node.kind) {
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, valueFromLiteral(f.value)]));
    case Kind.LIST:
      return node.values.map(valueFromLiteral);
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    default:
      return node.value;
  }
}

/** A directive's arguments as plain JSON, by name (those left out are absent). */
export function directiveArgs(node: ConstDirectiveNode): Record<string, unknown> {
  return Object.fromEntries((node.arguments ?? []).map((a) => [a.name.value, valueFromLiteral(a.value)]));
}

export function findDirective(directives: readonly ConstDirectiveNode[] | undefined, name: string): ConstDirectiveNode | undefined {
  return directives?.find((d) => d.name.value === name);
}

// The readers below run after validateSDL has checked names and argument types against REST_DIRECTIVES_SDL.
export function readRest(node: ConstDirectiveNode): RestDirective {
  const a = directiveArgs(node);
  const rest: RestDirective = { method: (a.method as RestMethod | undefined) ?? 'GET', path: a.path as string, node };
  if (a.query !== undefined && a.query !== null) rest.query = a.query;
  if (a.body !== undefined && a.body !== null) rest.body = a.body;
  if (typeof a.select === 'string') rest.select = a.select;
  if (typeof a.map === 'string') rest.map = a.map;
  if (a.headers !== undefined && a.headers !== null) rest.headers = a.headers;
  if (typeof a.value === 'string') rest.value = a.value;
  return rest;
}

export function readEntity(node: ConstDirectiveNode): EntityDirective {
  const a = directiveArgs(node);
  const entity: EntityDirective = {
    key: (a.key as string | undefined) ?? 'id',
    batchParam: (a.batchParam as string | undefined) ?? 'ids',
    keys: (a.keys as BatchKeys | undefined) ?? 'JOINED',
    match: (a.match as BatchMatch | undefined) ?? 'POSITION',
    node,
  };
  if (typeof a.batchPath === 'string') entity.batchPath = a.batchPath;
  if (typeof a.path === 'string') entity.path = a.path;
  return entity;
}

export interface BatchDirective {
  param: string;
  groupBy: string;
  keys: BatchKeys;
  node: ConstDirectiveNode;
}

export function readBatch(node: ConstDirectiveNode): BatchDirective {
  const a = directiveArgs(node);
  return { param: a.param as string, groupBy: a.groupBy as string, keys: (a.keys as BatchKeys | undefined) ?? 'JOINED', node };
}

export function readRef(node: ConstDirectiveNode): RefDirective {
  return { key: directiveArgs(node).key as string, node };
}
