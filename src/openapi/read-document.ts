// Reads an OpenAPI 3.0/3.1 or Swagger 2 document from a file or a URL with @apidevtools/swagger-parser:
// external $refs are bundled in (internal ones are kept, so a $ref to a schema still names its type, and
// cycles stay cycles), then the document is validated on a copy. A document that fails validation is
// still mapped (documents in the wild often break a rule or two), with the failure as a warning.
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';

/** The parts of a JSON Schema (and of a Swagger 2 parameter, which carries its type inline) the import reads. */
export interface SchemaObject {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  enum?: unknown[];
  default?: unknown;
  maximum?: number;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  nullable?: boolean;
  readOnly?: boolean;
  writeOnly?: boolean;
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
}

export interface OpenApiDocument {
  /** The document, external references bundled in. */
  api: Record<string, any>;
  /** "2.0", "3.0.3", "3.1.0", … */
  version: string;
  swagger2: boolean;
  /** What the validator found wrong (the import goes on). */
  warnings: string[];
  /** The value an internal $ref points at. */
  resolve(ref: string): any;
}

export class OpenApiReadError extends Error {}

export async function readOpenApi(source: string): Promise<OpenApiDocument> {
  const parser = new SwaggerParser();
  let api: Record<string, any>;
  try {
    // The URLs are the developer's own (often a service on localhost), so the resolver's guard against
    // private addresses, meant for documents from strangers, is off; a slow server gives up after 10 s.
    api = (await parser.bundle(source, { resolve: { http: { safeUrlResolver: false, timeout: 10_000 } } } as SwaggerParser.Options)) as Record<string, any>;
  } catch (err) {
    throw new OpenApiReadError(`cannot read ${source}: ${(err as Error).message}`);
  }
  const version = String(api.openapi ?? api.swagger ?? '');
  if (!/^(2\.0|3\.[01]\.\d+)$/.test(version)) throw new OpenApiReadError(`${source}: not an OpenAPI 3.0/3.1 or Swagger 2.0 document (openapi/swagger is ${JSON.stringify(api.openapi ?? api.swagger ?? null)})`);
  const warnings: string[] = [];
  try {
    await SwaggerParser.validate(structuredClone(api) as OpenAPI.Document);
  } catch (err) {
    warnings.push(`${source} does not validate: ${(err as Error).message.split('\n').slice(0, 6).join(' ')}`);
  }
  return { api, version, swagger2: version === '2.0', warnings, resolve: (ref) => parser.$refs.get(ref) };
}
