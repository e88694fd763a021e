// The users service's OpenAPI 3.1 document, served at GET /openapi.json: what `npm run import-openapi`
// reads to write an SDL file for it (test/integration/openapi-import.test.ts checks the result).
import { errors, errorSchema, idPath, idsParameter, json, jsonBody, pageParameters, recordItem, totalCountHeader } from '../shared/openapi.ts';

const user = { $ref: '#/components/schemas/User' };
const userFields = {
  name: { type: 'string', maxLength: 200 },
  email: { type: 'string', format: 'email', maxLength: 320 },
  favoriteMovieIds: { type: 'array', maxItems: 500, items: { type: 'string' } },
};

export const usersOpenApi = {
  openapi: '3.1.0',
  info: { title: 'users', version: '1.0.0', description: 'Users and their favorite movies.' },
  paths: {
    '/users': {
      get: {
        operationId: 'users',
        summary: 'A page of users in id order; with ids, those users in the order asked (null where there is none).',
        parameters: [...pageParameters(1000), idsParameter('ids', 'Only these users (comma-separated), at most 1000.', 1000)],
        responses: {
          200: json({ type: 'array', items: { anyOf: [user, { type: 'null' }] } }, 'The users.', { headers: totalCountHeader }),
          400: errors[400],
        },
      },
      post: {
        operationId: 'createUser',
        requestBody: jsonBody('#/components/schemas/NewUser'),
        responses: { 201: json(user, 'The new user.'), 400: errors[400], 409: { ...errors[400], description: 'The email is already in use.' } },
      },
    },
    '/users/{id}': recordItem('User'),
    '/users/{id}/favorites/{movieId}': {
      parameters: [idPath(), idPath('movieId')],
      put: { operationId: 'addFavoriteMovie', responses: { 200: json(user, 'The user.'), 404: errors[404] } },
      delete: { operationId: 'removeFavoriteMovie', responses: { 200: json(user, 'The user.'), 404: errors[404] } },
    },
  },
  components: {
    schemas: {
      User: { type: 'object', required: ['id', 'name', 'email', 'favoriteMovieIds'], properties: { id: { type: 'string' }, ...userFields } },
      NewUser: { type: 'object', required: ['name', 'email'], additionalProperties: false, properties: userFields },
      UserChanges: { type: 'object', additionalProperties: false, properties: userFields },
      Error: errorSchema,
    },
  },
};
