// The import as one step: read the document, map it, check the SDL exactly as the gateway checks a
// service's file at start-up (the service alone), and only then write it. A mapping the gateway would
// refuse is the importer's bug, reported as such rather than written.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { serviceDefaults } from '../config/config-schema.ts';
import { buildGatewaySchema } from '../schema/stitch.ts';
import { mapOpenApi } from './map-operations.ts';
import { readOpenApi } from './read-document.ts';

export interface ImportResult {
  out: string;
  sdl: string;
  warnings: string[];
  skipped: string[];
  entities: string[];
  queries: number;
  mutations: number;
}

export class OpenApiImportError extends Error {}

export async function importOpenApi(options: { source: string; service: string; out: string }): Promise<ImportResult> {
  const doc = await readOpenApi(options.source);
  const { sdl, skipped, entities } = mapOpenApi(doc, options);
  const checkDir = mkdtempSync(join(tmpdir(), 'import-openapi-'));
  try {
    const file = join(checkDir, `${options.service}.graphql`);
    writeFileSync(file, sdl);
    const schema = buildGatewaySchema({ [options.service]: { ...serviceDefaults(), urls: ['http://localhost:1'], schema: file } }).schema;
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, sdl);
    const count = (type: { getFields(): object } | null | undefined): number => Object.keys(type?.getFields() ?? {}).length;
    return { out: options.out, sdl, warnings: doc.warnings, skipped, entities, queries: count(schema.getQueryType()), mutations: count(schema.getMutationType()) };
  } catch (err) {
    throw new OpenApiImportError(`the SDL made from ${options.source} does not pass the gateway's checks (a bug of the import; please report it with the document):\n${(err as Error).message}`);
  } finally {
    rmSync(checkDir, { recursive: true, force: true });
  }
}
