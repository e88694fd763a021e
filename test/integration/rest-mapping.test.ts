// A third-party REST API as it is: json-server's snake_case, nested answers, onboarded with one SDL file
// (test/fixtures/json-server/people.graphql) and one config entry. Selection mappings rename, flatten
// and nest fields, per type (@map, wherever the type turns up) and per field (@rest(map:)); entity keys
// are matched after mapping. REST calls are counted on the way to json-server.
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { gql } from '../harness/graphql-client.ts';
import { startJsonServer, type StartedJsonServer } from '../harness/json-server.ts';
import { ROOT, startStack, type Stack } from '../harness/start-stack.ts';

const FIXTURES = join(ROOT, 'test/fixtures/json-server');
let api: StartedJsonServer;
let counting: FaultUpstream;
let stack: Stack;

beforeAll(async () => {
  api = await startJsonServer(join(FIXTURES, 'db.json'));
  counting = await startFaultUpstream({ kind: 'proxy', to: api.url });
  stack = await startStack({ config: { services: { people: { urls: [counting.url], schema: join(FIXTURES, 'people.graphql') } } } });
});
afterAll(async () => {
  await stack.close();
  await counting.close();
  await api.close();
});
beforeEach(() => {
  counting.requests.length = 0;
});

describe('selection mappings over a third-party API', () => {
  it('renames, flattens and nests the fields of an entity, and maps a nested object by its own type\'s mapping', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ person(id: "1") { id firstName lastName city location { lat lng } address { street city } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.person).toEqual({
      id: '1',
      firstName: 'Alan',
      lastName: 'Knuth',
      city: 'Manchester',
      location: { lat: 50.1, lng: -0.95 },
      address: { street: '1 Engine Street', city: 'Manchester' },
    });
    expect(counting.requests.map((r) => r.url)).toEqual(['/people?id=1']);
  });

  it('maps each item of a list, and follows a relation by a mapped key (employer_id → employerId)', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ people(limit: 3) { firstName employer { name founded } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.people).toEqual([
      { firstName: 'Alan', employer: { name: 'Bletchley Works', founded: 1939 } },
      { firstName: 'Grace', employer: { name: 'Compiler Corp', founded: 1952 } },
      { firstName: 'Edsger', employer: { name: 'Structured Ltd', founded: 1968 } },
    ]);
    // One page of people, then their employers in one call, spelled as json-server reads it.
    expect(counting.requests.map((r) => r.url)).toEqual(['/people?_limit=3', '/companies?id=2&id=3&id=4']);
  });

  it('applies a field\'s own mapping to its answer', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ companyLabels { id label since } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.companyLabels[0]).toEqual({ id: '1', label: 'Analytical Engines', since: 1834 });
    expect(body.data.companyLabels).toHaveLength(4);
  });

});

describe('response metadata', () => {
  it('reads a field\'s value from the answer\'s headers, status and body', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ peopleCount peoplePageLinks(page: 2) personStatus(id: "4") personFirstName(id: "4") }');
    expect(body.errors).toBeUndefined();
    expect(body.data.peopleCount).toBe(25);
    expect(body.data.peoplePageLinks).toMatch(/<http:\/\/[^>]+_page=1[^>]*>; rel="first", <[^>]+_page=1[^>]*>; rel="prev", <[^>]+_page=3[^>]*>; rel="next", <[^>]+_page=3[^>]*>; rel="last"/);
    expect(body.data.personStatus).toBe(200);
    expect(body.data.personFirstName).toBe('Barbara');
    // One call each; the two calls to /people/4 are one GET, made once.
    expect(counting.requests.map((r) => r.url).sort()).toEqual(['/people/4', '/people?_limit=1', '/people?_page=2&_limit=10']);
  });
});

describe('batching spelled the way json-server reads it', () => {
  it('sends repeated keys in one call, and matches its answer by id, in its own order, missing ones left out', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ a: person(id: "3") { firstName } b: person(id: "1") { firstName } c: person(id: "999") { firstName } }');
    expect(body.data).toEqual({ a: { firstName: 'Edsger' }, b: { firstName: 'Alan' }, c: null });
    expect(body.errors).toEqual([expect.objectContaining({ path: ['c'], extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
    // json-server answers [1, 3]: its order, not the keys'; 999 is not in it.
    expect(counting.requests.map((r) => r.url)).toEqual(['/people?id=3&id=1&id=999']);
  });
});
