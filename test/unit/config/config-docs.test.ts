// What is generated from the config schema stays true: the README's configuration table and
// gateway.config.schema.json are what `npm run config:docs` writes now, and the JSON Schema accepts the
// shipped config and every JSON example in the README, and refuses the bad configs in test/fixtures.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA, jsonSchema, README, readmeWithTable } from '../../../scripts/config-docs.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { ROOT } from '../../harness/start-stack.ts';

const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(JSON_SCHEMA, 'utf8')) as object);
const BAD = join(ROOT, 'test/fixtures/bad-configs');

/** The README's ```json blocks, as config objects (a block of properties is wrapped in braces). */
function readmeExamples(): unknown[] {
  return [...readFileSync(README, 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].map((m) => {
    const text = m[1]!.trim();
    return JSON.parse(text.startsWith('{') ? text : `{ ${text} }`);
  });
}

describe('generated from the config schema', () => {
  it('the README table and gateway.config.schema.json are up to date (npm run config:docs)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readmeWithTable(readme) === readme, 'README.md\'s configuration table is stale: run npm run config:docs').toBe(true);
    expect(readFileSync(JSON_SCHEMA, 'utf8') === jsonSchema(), 'gateway.config.schema.json is stale: run npm run config:docs').toBe(true);
  });

  it('the JSON Schema accepts gateway.config.json and every JSON example in the README', () => {
    const examples = [JSON.parse(readFileSync(join(ROOT, 'gateway.config.json'), 'utf8')), ...readmeExamples()];
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const example of examples) expect(validate(example) ? [] : validate.errors, JSON.stringify(example)).toEqual([]);
  });

  it('the JSON Schema refuses each bad config, and so does the gateway', () => {
    const files = readdirSync(BAD).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const config = JSON.parse(readFileSync(join(BAD, file), 'utf8')) as object;
      expect(validate(config), file).toBe(false);
      expect(() => loadConfig({ file: join(BAD, file), env: {}, envFile: false, cwd: ROOT }), file).toThrow();
    }
  });
});
