// Plans a @paginate field: the style, its parameters and limits, the templates that read the next
// cursor and the total from an answer, and which arguments say where to start and how many to return,
// all checked against the field at start-up. With connection: true the field's public type becomes a
// generated Relay connection (ItemConnection, ItemEdge, PageInfo).
import { getNamedType, isListType, isNonNullType, Kind, parse, type ConstDirectiveNode, type DefinitionNode, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { directiveArgs } from './directives/rest-directives.ts';
import { sdlError } from './sdl-error.ts';
import { compileString, placeholdersOf, TemplateError, type Getter, type TemplateRoot } from './template.ts';

export type PageStyle = 'OFFSET' | 'PAGE' | 'CURSOR' | 'LINK';

export interface PaginationPlan {
  style: PageStyle;
  param: string | undefined;
  sizeParam: string | undefined;
  pageSize: number;
  firstPage: number;
  maxPages: number;
  /** CURSOR: the next page's cursor from an answer. */
  next: Getter | undefined;
  total: Getter | undefined;
  connection: boolean;
  /** The item type, for the generated connection's names. */
  item: string;
}

export function planPagination(node: ConstDirectiveNode, type: GraphQLObjectType, field: GraphQLField<unknown, unknown>, roots: TemplateRoot[]): PaginationPlan {
  // The directive's declared defaults, which the AST does not carry.
  const a: Record<string, unknown> = { pageSize: 50, firstPage: 1, maxPages: 10, connection: false, ...directiveArgs(node) };
  const where = `@paginate on ${type.name}.${field.name}`;
  const fail = (message: string): never => {
    throw sdlError(node, `${where}: ${message}`);
  };
  const style = a.style as PageStyle;
  const inner = isNonNullType(field.type) ? field.type.ofType : field.type;
  if (!isListType(inner)) fail('the field must return a list, which is what comes in pages');
  const arg = (name: string, typeName: string): void => {
    const found = field.args.find((x) => x.name === name);
    if (!found || getNamedType(found.type).name !== typeName) fail(`the field needs the argument ${name}: ${typeName}`);
  };
  const connection = a.connection === true;
  arg('first', 'Int');
  if (connection) arg('after', 'String');
  else if (style === 'OFFSET' || style === 'PAGE') arg('offset', 'Int');
  const param = a.param as string | undefined;
  const sizeParam = a.sizeParam as string | undefined;
  if (style !== 'LINK' && !param) fail(`style ${style} needs param, the query parameter of the ${style === 'CURSOR' ? 'cursor' : style === 'PAGE' ? 'page number' : 'offset'}`);
  if ((style === 'OFFSET' || style === 'PAGE') && !sizeParam) fail(`style ${style} needs sizeParam, the query parameter of the page size`);
  if (style === 'CURSOR' && typeof a.next !== 'string') fail('style CURSOR needs next, where an answer holds the next cursor, e.g. "{response.body.meta.next_cursor}"');
  const pageSize = a.pageSize as number;
  const maxPages = a.maxPages as number;
  if (pageSize < 1 || maxPages < 1) fail('pageSize and maxPages are at least 1');
  const template = (text: unknown): Getter | undefined => {
    if (typeof text !== 'string') return undefined;
    try {
      placeholdersOf(text, [...roots, 'response']);
      return compileString(text, [...roots, 'response']);
    } catch (err) {
      if (err instanceof TemplateError) return fail(err.message);
      throw err;
    }
  };
  return {
    style,
    param,
    sizeParam,
    pageSize,
    firstPage: a.firstPage as number,
    maxPages,
    next: template(a.next),
    total: template(a.total),
    connection,
    item: getNamedType(field.type).name,
  };
}

/** The generated Relay types of a connection over `item`; PageInfo once per file. */
export function connectionTypes(item: string, withPageInfo: boolean): DefinitionNode[] {
  const sdl = `
    "A page of ${item} items, generated from @paginate."
    type ${item}Connection { edges: [${item}Edge!]! pageInfo: PageInfo! "All the items, when the service says." totalCount: Int }
    type ${item}Edge { cursor: String! node: ${item}! }
    ${withPageInfo ? 'type PageInfo { hasNextPage: Boolean! endCursor: String }' : ''}`;
  return parse(sdl).definitions.filter((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION);
}
