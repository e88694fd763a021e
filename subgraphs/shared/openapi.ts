// The pieces both example services' OpenAPI documents share: the error body every failure carries,
// the paging and ids parameters of their list endpoints, and JSON request and response wrappers.
// Each service serves its document at GET /openapi.json (http-service.ts).

export const errorSchema = {
  type: 'object',
  description: 'What every failure answers, with its HTTP status.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'A stable code: BAD_REQUEST, NOT_FOUND, CONFLICT, …' },
        message: { type: 'string' },
        field: { type: 'string', description: 'The input field at fault, when there is one.' },
      },
    },
  },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

export const errors = {
  400: errorResponse('The request is malformed (a bad parameter or body field).'),
  404: errorResponse('No such record.'),
};

export const json = (schema: unknown, description: string, extra: Record<string, unknown> = {}) => ({ description, ...extra, content: { 'application/json': { schema } } });
export const jsonBody = (ref: string) => ({ required: true, content: { 'application/json': { schema: { $ref: ref } } } });

export const idPath = (name = 'id') => ({ name, in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } });

/** ?limit&offset, and ?ids=1,2,3 (comma-joined: form style, not exploded). */
export const pageParameters = (max: number) => [
  { name: 'limit', in: 'query', description: `Page size, at most ${max}.`, schema: { type: 'integer', minimum: 0, maximum: max, default: 20 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
];
export const idsParameter = (name: string, description: string, max: number) => ({
  name,
  in: 'query',
  description,
  style: 'form',
  explode: false,
  schema: { type: 'array', maxItems: max, items: { type: 'string' } },
});

export const totalCountHeader = { 'x-total-count': { description: 'How many records match, over all pages.', schema: { type: 'integer' } } };

/** /things/{id}: get one, change some fields (PATCH), delete, for a record type `Name` with `NameChanges`. */
export const recordItem = (name: string) => {
  const lower = name.toLowerCase();
  const record = { $ref: `#/components/schemas/${name}` };
  return {
    parameters: [idPath()],
    get: { operationId: lower, summary: `One ${lower}.`, responses: { 200: json(record, `The ${lower}.`), 404: errors[404] } },
    patch: {
      operationId: `update${name}`,
      summary: 'Changes only the fields given.',
      requestBody: jsonBody(`#/components/schemas/${name}Changes`),
      responses: { 200: json(record, `The ${lower} as it is now.`), 400: errors[400], 404: errors[404] },
    },
    delete: { operationId: `delete${name}`, responses: { 200: json(record, `The ${lower} as it was.`), 404: errors[404] } },
  };
};
