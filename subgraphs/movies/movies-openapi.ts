// The movies service's OpenAPI 3.0 document, served at GET /openapi.json: what `npm run import-openapi`
// reads to write an SDL file for it (test/integration/openapi-import.test.ts checks the result).
import { errors, errorSchema, idsParameter, json, jsonBody, pageParameters, recordItem, totalCountHeader } from '../shared/openapi.ts';

const movie = { $ref: '#/components/schemas/Movie' };
const movieFields = {
  title: { type: 'string', maxLength: 300 },
  year: { type: 'integer', minimum: 1888, maximum: 2100, nullable: true },
  genre: { type: 'string', maxLength: 60, nullable: true },
  directorId: { type: 'string', description: 'The director: a user of the users service.' },
};

export const moviesOpenApi = {
  openapi: '3.0.3',
  info: { title: 'movies', version: '1.0.0', description: 'Movies and who directed them.' },
  paths: {
    '/movies': {
      get: {
        operationId: 'movies',
        summary: 'A page of movies in id order, optionally one director\'s; with ids, those movies in the order asked (null where there is none); with directorIds, every movie of those directors.',
        parameters: [
          ...pageParameters(1000),
          { name: 'directorId', in: 'query', schema: { type: 'string' } },
          idsParameter('ids', 'Only these movies (comma-separated), at most 1000.', 1000),
          idsParameter('directorIds', 'Every movie of these directors, at most 1000.', 1000),
        ],
        responses: {
          // OpenAPI 3.0 has no null type: a nullable item is an allOf with nullable beside it.
          200: json({ type: 'array', items: { nullable: true, allOf: [movie] } }, 'The movies.', { headers: totalCountHeader }),
          400: errors[400],
        },
      },
      post: {
        operationId: 'createMovie',
        requestBody: jsonBody('#/components/schemas/NewMovie'),
        responses: { 201: json(movie, 'The new movie.'), 400: errors[400] },
      },
    },
    '/movies/{id}': recordItem('Movie'),
  },
  components: {
    schemas: {
      Movie: { type: 'object', required: ['id', 'title', 'directorId'], properties: { id: { type: 'string' }, ...movieFields } },
      NewMovie: { type: 'object', required: ['title', 'directorId'], additionalProperties: false, properties: movieFields },
      MovieChanges: { type: 'object', additionalProperties: false, properties: movieFields },
      Error: errorSchema,
    },
  },
};
