// Writes a service's SDL file from its OpenAPI 3.0/3.1 or Swagger 2 document (a file or a URL):
//   npm run import-openapi -- http://localhost:3001/openapi.json --service users [--out schema/users.graphql]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importOpenApi } from '../openapi/import-openapi.ts';

const USAGE = 'usage: npm run import-openapi -- SPEC --service NAME [--out FILE]\n' +
  '  SPEC: an OpenAPI 3.0/3.1 or Swagger 2 document (JSON or YAML), a file or an http(s) URL\n' +
  '  writes schema/NAME.graphql (or FILE), then add the service to gateway.config.json';

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { service: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', default: false } } });
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const source = positionals[0];
const service = values.service;
if (!source || positionals.length > 1 || !service || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(service)) {
  console.error(`${!service ? '--service is required' : !source ? 'SPEC is required' : positionals.length > 1 ? `one SPEC, got ${positionals.length}` : `--service: expected a name such as "ratings", got ${JSON.stringify(service)}`}\n${USAGE}`);
  process.exit(2);
}
const out = resolve(values.out ?? `schema/${service}.graphql`);

try {
  const result = await importOpenApi({ source, service, out });
  for (const w of result.warnings) console.error(`warning: ${w}`);
  console.log(`wrote ${values.out ?? `schema/${service}.graphql`}: ${result.queries} queries, ${result.mutations} mutations` +
    `${result.entities.length > 0 ? `, entities ${result.entities.join(', ')}` : ''}`);
  if (result.skipped.length > 0) console.log(`not mapped (see the comments at the top of the file):\n${result.skipped.map((s) => `  ${s}`).join('\n')}`);
  console.log(`add to gateway.config.json: "services": { "${service}": { "urls": ["http://…"], "schema": "${values.out ?? `schema/${service}.graphql`}" } }`);
} catch (err) {
  console.error(`import-openapi: ${(err as Error).message}`);
  process.exit(1);
}
