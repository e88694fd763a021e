// Pagination declared once per field: json-server's pages (_page/_limit, _start/_limit, Link: rel=next)
// and an envelope-style API with a cursor in the body, exposed as lists or as generated Relay
// connections; first, middle, last and empty pages, the page cap, totalCount, and calls counted.
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { startJsonServer, type StartedJsonServer } from '../harness/json-server.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { ROOT, startStack, type Stack } from '../harness/start-stack.ts';

const ids = (people: Array<{ id: string }>): number[] => people.map((p) => Number(p.id));
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

let api: StartedJsonServer;
let counting: FaultUpstream;
let events: Server;
let stack: Stack;
const eventCalls: string[] = [];

beforeAll(async () => {
  api = await startJsonServer(join(ROOT, 'test/fixtures/json-server/db.json'));
  counting = await startFaultUpstream({ kind: 'proxy', to: api.url });
  // An envelope-style API: { data: [...], meta: { next_cursor } }, 11 events, pages of `limit`.
  events = createServer((req, res) => {
    eventCalls.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://events.local');
    const start = Number(url.searchParams.get('cursor') ?? '0');
    const limit = Number(url.searchParams.get('limit') ?? '3');
    const data = range(start + 1, Math.min(11, start + limit)).map((id) => ({ id, name: `event ${id}` }));
    const next = start + limit < 11 ? String(start + limit) : null;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data, meta: { next_cursor: next } }));
  });
  const eventsUrl = await listen(events);
  const eventsSdl = join(tmpdir(), `events-${process.pid}.graphql`);
  writeFileSync(eventsSdl, `type Query {
    events(first: Int = 5, after: String): [Event!]
      @rest(path: "/events", select: "data")
      @paginate(style: CURSOR, param: "cursor", sizeParam: "limit", pageSize: 4, next: "{response.body.meta.next_cursor}", connection: true)
  }
  type Event { id: ID! name: String }`);
  stack = await startStack({
    config: {
      services: {
        people: { urls: [counting.url], schema: join(ROOT, 'test/fixtures/json-server/people.graphql') },
        events: { urls: [eventsUrl], schema: eventsSdl },
      },
    },
  });
});
afterAll(async () => {
  await stack.close();
  await counting.close();
  await api.close();
  await closeServer(events);
});
beforeEach(() => {
  counting.requests.length = 0;
  eventCalls.length = 0;
});
const calls = (): string[] => counting.requests.map((r) => r.url);

describe('pages as a list', () => {
  it('the first page, a middle one, one that spans two, the last and an empty one', async () => {
    const { body } = await gql(stack.gatewayUrl, `{
      first: peopleByPage(first: 10) { id }
      middle: peopleByPage(first: 5, offset: 12) { id }
      spanning: peopleByPage(first: 10, offset: 15) { id }
      last: peopleByPage(first: 10, offset: 20) { id }
      empty: peopleByPage(first: 10, offset: 40) { id }
    }`);
    expect(body.errors).toBeUndefined();
    expect(ids(body.data.first)).toEqual(range(1, 10));
    expect(ids(body.data.middle)).toEqual(range(13, 17));
    expect(ids(body.data.spanning)).toEqual(range(16, 25));
    expect(ids(body.data.last)).toEqual(range(21, 25));
    expect(body.data.empty).toEqual([]);
    // Each page fetched once in the operation: pages 1, 2, 3 and 5.
    expect(calls().sort()).toEqual(['/people?_page=1&_limit=10', '/people?_page=2&_limit=10', '/people?_page=3&_limit=10', '/people?_page=5&_limit=10']);
  });

  it('stops at the page cap', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ peopleCapped(first: 25) { id } }');
    expect(ids(body.data.peopleCapped)).toEqual(range(1, 20));
    expect(calls()).toHaveLength(2);
  });

  it('pages by item offset, starting exactly where asked', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ peopleByOffset(first: 12, offset: 7) { id firstName } }');
    expect(ids(body.data.peopleByOffset)).toEqual(range(8, 19));
    expect(body.data.peopleByOffset[0].firstName).toBe('Margaret'); // mapped as every Person is
    expect(calls()).toEqual(['/people?_start=7&_limit=10', '/people?_start=17&_limit=10']);
  });

  it('follows Link: rel="next" until it has enough', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ peopleByLink(first: 15) { id } }');
    expect(ids(body.data.peopleByLink)).toEqual(range(1, 15));
    expect(calls()).toEqual(['/people?_page=1&_limit=10', '/people?_page=2&_limit=10']);
  });
});

describe('pages as a Relay connection', () => {
  it('walks the list with first and after, with totalCount and hasNextPage', async () => {
    const query = 'query ($after: String) { peopleConnection(first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }';
    const seen: number[] = [];
    let after: string | undefined;
    const pages: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const { body } = await gql(stack.gatewayUrl, query, { variables: { after } });
      expect(body.errors).toBeUndefined();
      const connection = body.data.peopleConnection;
      expect(connection.totalCount).toBe(25);
      seen.push(...connection.edges.map((e: { node: { id: string } }) => Number(e.node.id)));
      pages.push(connection.pageInfo.hasNextPage);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(range(1, 25));
    expect(pages).toEqual([true, true, false]);
  });

  it('refuses a cursor it did not give out', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ peopleConnection(after: "bm90LW91cnM") { totalCount } }');
    expect(codesOf(body)).toEqual(['BAD_USER_INPUT']);
  });

  it('pages an envelope with the cursor in its body', async () => {
    const first = await gql(stack.gatewayUrl, '{ events(first: 5) { pageInfo { hasNextPage endCursor } edges { node { id name } } } }');
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.events.edges.map((e: { node: { id: string } }) => Number(e.node.id))).toEqual(range(1, 5));
    expect(eventCalls).toEqual(['/events?limit=4', '/events?cursor=4&limit=4']);
    eventCalls.length = 0;
    const rest = await gql(stack.gatewayUrl, 'query ($a: String) { events(first: 10, after: $a) { pageInfo { hasNextPage } edges { node { id } } } }', { variables: { a: first.body.data.events.pageInfo.endCursor } });
    expect(rest.body.data.events.edges.map((e: { node: { id: string } }) => Number(e.node.id))).toEqual(range(6, 11));
    expect(rest.body.data.events.pageInfo.hasNextPage).toBe(false);
  });

  it('counts pages in the cost estimate', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ peopleByPage(first: 50) { id } }');
    // 50 wanted, 10 a page, at most 3 pages: 3 calls in the worst case; 25 people make it 3.
    expect(body.extensions?.cost?.estimated.calls).toBe(3);
    expect(body.extensions?.cost?.actual.calls).toBe(3);
  });
});

describe('pages of another service\'s entities', () => {
  it('completes each item through its owner\'s loader, in one batch', async () => {
    // A catalog service that pages movie ids; the movies service owns Movie.
    const catalog = createServer((req, res) => {
      const page = Number(new URL(req.url ?? '/', 'http://c.local').searchParams.get('page'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(page === 1 ? [{ id: '3' }, { id: '5' }] : page === 2 ? [{ id: '8' }] : []));
    });
    const catalogUrl = await listen(catalog);
    const sdl = join(tmpdir(), `catalog-${process.pid}.graphql`);
    writeFileSync(sdl, `type Query {
      picks(first: Int = 3, offset: Int = 0): [Movie!] @rest(path: "/picks") @paginate(style: PAGE, param: "page", sizeParam: "size", pageSize: 2)
    }
    type Movie @entity(key: "id") { id: ID! }`);
    const withCatalog = await startStack({ config: { services: { catalog: { urls: [catalogUrl], schema: sdl } } } });
    try {
      const { body } = await gql(withCatalog.gatewayUrl, '{ picks(first: 3) { id title } }');
      expect(body.errors).toBeUndefined();
      expect(body.data.picks.map((m: { id: string }) => m.id)).toEqual(['3', '5', '8']);
      expect(body.data.picks.every((m: { title: unknown }) => typeof m.title === 'string')).toBe(true);
      const movieCalls = body.extensions?.upstream?.requests.filter((r) => r.service === 'movies') ?? [];
      expect(movieCalls.map((r) => r.path)).toEqual(['/movies?ids=3,5,8']);
    } finally {
      await withCatalog.close();
      await closeServer(catalog);
    }
  });
});
