// OpenAPI import over documents that are not the example services': Swagger 2, an OpenAPI 3.0 YAML file
// with $ref cycles, oneOf and operations that cannot be mapped, a document that fails validation, and
// things that are not documents at all. Every SDL written passed the gateway's start-up checks (the
// import checks before it writes).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOpenApi } from '../../../src/openapi/import-openapi.ts';
import { ROOT } from '../../harness/start-stack.ts';

const fixture = (name: string): string => resolve(ROOT, 'test/fixtures/openapi', name);
const dir = mkdtempSync(join(tmpdir(), 'openapi-unit-'));
const run = (source: string, service = 'x') => importOpenApi({ source, service, out: join(dir, `${service}-${Math.random().toString(36).slice(2)}.graphql`) });

describe('Swagger 2.0', () => {
  it('maps definitions, body and header parameters, a 204 and an entity keyed by repeated ids', async () => {
    const r = await run(fixture('petstore-swagger2.json'));
    expect(r.warnings).toEqual([]);
    expect(r.entities).toEqual(['Pet']);
    expect(r.sdl).toContain('type Pet @entity(key: "id", batchPath: "/pets", batchParam: "ids", keys: REPEATED, match: KEY) {');
    expect(r.sdl).toContain('getPetById(petId: ID!): Pet @ref(key: "{args.petId}")');
    expect(r.sdl).toContain('listPets(limit: Int = 20, status: ListPetsStatus, xTenant: String): [Pet!] @rest(path: "/pets", query: { limit: "{args.limit}", status: "{args.status}" }, headers: [{ name: "x-tenant", value: "{args.xTenant}" }]) @listSize(slicingArguments: ["limit"])');
    expect(r.sdl).toContain('addPet(input: PetInput!): Pet @rest(method: POST, path: "/pets", body: "{args.input}")');
    expect(r.sdl).toContain('deletePet(petId: ID!): Int @rest(method: DELETE, path: "/pets/{args.petId}", value: "{response.status}")');
    // readOnly: in the output type, not in the input
    expect(r.sdl).toMatch(/type Pet [^{]*\{\n {2}id: ID!/);
    expect(r.sdl).toMatch(/input PetInput \{\n {2}name: String!/);
    expect(r.sdl).toContain('# The document\'s servers: https://petstore.example/v2');
    expect(r.skipped).toEqual([
      'GET /pets: query parameter "ids" left out: a list sent other than comma-joined (the gateway joins list arguments with commas)',
      'POST /pets/{petId}/photo (uploadPhoto): formData parameter "file" is required and cookies and form fields do not map',
    ]);
    expect(r.sdl).toContain('#   POST /pets/{petId}/photo (uploadPhoto): formData parameter "file" is required');
    expect(r.sdl).toContain('# left out "x-internal-notes": not a GraphQL name');
  });
});

describe('OpenAPI 3.0 (YAML) with cycles, oneOf and what cannot be mapped', () => {
  it('makes $ref cycles types that refer to themselves, through properties, lists and allOf', async () => {
    const r = await run(fixture('catalog-openapi3.yaml'));
    expect(r.sdl).toMatch(/type Category \{\n {2}id: ID!\n {2}name: String!\n {2}parent: Category\n {2}children: \[Category!\]/);
    expect(r.sdl).toMatch(/type Node \{\n {2}name: String!\n {2}next: Node\n\}/);
    expect(r.sdl).toContain('address: CategoryAddress');
    expect(r.sdl).toContain('sizeBytes: Float'); // int64: past GraphQL's 32-bit Int
    expect(r.sdl).toMatch(/enum CategoryKind \{\n {2}leaf\n {2}branch\n\}/);
  });

  it('makes a oneOf with a discriminator a union the gateway tells apart, and leaves one without out', async () => {
    const r = await run(fixture('catalog-openapi3.yaml'));
    expect(r.sdl).toContain('union Pet @discriminator(field: "petType", values: { dog: "Dog", cat: "Cat" }) = Dog | Cat');
    expect(r.sdl).toContain('pet(id: ID!, xLocale: String = "en"): Pet @rest(path: "/pets/{args.id}", headers: [{ name: "x-locale", value: "{args.xLocale}" }])');
    expect(r.skipped).toContain('GET /things/{id} (thing): the 200 answer: oneOf without a discriminator: the gateway could not tell which member an answer is (write a union with @discriminator by hand)');
    expect(r.sdl).not.toMatch(/\bthing\(/);
  });

  it('selects a list that sits under one property of the answer', async () => {
    const r = await run(fixture('catalog-openapi3.yaml'));
    expect(r.sdl).toContain('listCategories(cursor: String): [Category!] @rest(path: "/categories", query: { cursor: "{args.cursor}" }, select: "data")');
    // A record with an id is not an envelope, even with one list in it.
    expect(r.sdl).toContain('getCategoriesById(id: ID!): Category @rest(path: "/categories/{args.id}")');
  });

  it('says why for every operation, parameter and property it left out, in the file and in the result', async () => {
    const r = await run(fixture('catalog-openapi3.yaml'));
    expect(r.skipped).toEqual([
      'GET /categories: query parameter "page[size]" left out: not a GraphQL name, which a query template key must be',
      'GET /categories: query parameter "filter" left out: an object (deepObject style), which the gateway does not spell in a query string',
      'GET /things/{id} (thing): the 200 answer: oneOf without a discriminator: the gateway could not tell which member an answer is (write a union with @discriminator by hand)',
      'GET /export (exportCsv): the 200 answer is text/csv (only JSON answers map)',
      'POST /upload (upload): a multipart/form-data request body (only JSON bodies map)',
      'GET /session (session): cookie parameter "sid" is required and cookies and form fields do not map',
    ]);
    for (const s of r.skipped) expect(r.sdl).toContain(`#   ${s}`);
    expect(r.sdl).toContain('# left out "attributes": a free-form object (no properties to make fields of)');
    expect(r.sdl).toContain('# left out "@type": not a GraphQL name (add a field and map it with @map)');
    expect(r.queries).toBe(4);
    expect(r.mutations).toBe(1);
  });
});

describe('documents that are wrong', () => {
  it('still maps a document that fails validation, with the validator\'s complaint as a warning', async () => {
    const file = join(dir, 'invalid.json');
    // A response without its required description, and an unknown top-level key.
    writeFileSync(file, JSON.stringify({
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: { '/a': { get: { operationId: 'a', responses: { 200: { content: { 'application/json': { schema: { type: 'object', properties: { n: { type: 'integer' } } } } } } } } } },
    }));
    const r = await run(file);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/does not validate/);
    expect(r.sdl).toContain('a: AResult @rest(path: "/a")');
  });

  it('refuses what is not an OpenAPI or Swagger document, a missing file and broken JSON, clearly', async () => {
    const notApi = join(dir, 'not-api.json');
    writeFileSync(notApi, JSON.stringify({ hello: 'world' }));
    await expect(run(notApi)).rejects.toThrow(/cannot read .*not-api\.json: .*is not a valid Openapi API definition/);
    const oldSwagger = join(dir, 'swagger-1.json');
    writeFileSync(oldSwagger, JSON.stringify({ swagger: '1.2', info: { title: 't', version: '1' } }));
    await expect(run(oldSwagger)).rejects.toThrow(/Unrecognized Swagger version: 1\.2/);
    await expect(run(join(dir, 'missing.json'))).rejects.toThrow(/cannot read .*missing\.json/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "openapi": "3.0.3", ');
    await expect(run(broken)).rejects.toThrow(/cannot read/);
  });
});

describe('npm run import-openapi', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, [resolve(ROOT, 'src/cli/import-openapi.ts'), ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });

  it('writes schema/NAME.graphql by default and says what to add to the configuration', () => {
    const r = cli([fixture('petstore-swagger2.json'), '--service', 'pets']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('wrote schema/pets.graphql: 2 queries, 2 mutations, entities Pet');
    expect(r.stdout).toContain('"pets": { "urls": ["http://…"], "schema": "schema/pets.graphql" }');
    expect(readFileSync(join(dir, 'schema/pets.graphql'), 'utf8')).toContain('type Pet @entity(');
  });

  it('exits 2 with the usage for missing arguments, and 1 with the reason for an unreadable document', () => {
    const noService = cli([fixture('petstore-swagger2.json')]);
    expect(noService.status).toBe(2);
    expect(noService.stderr).toMatch(/--service is required\nusage: npm run import-openapi/);
    const missing = cli(['nowhere.yaml', '--service', 'x']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^import-openapi: cannot read nowhere\.yaml/);
  });
});
