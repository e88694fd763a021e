// A service's error answers as coded GraphQL errors: the status picks the code, the service's rule says
// where its body holds the message, code and field (problem+json, JSON:API and our own by default).
import { describe, expect, it } from 'vitest';
import { serviceDefaults } from '../../../src/config/config-schema.ts';
import { restError } from '../../../src/loaders/rest-error.ts';

const rule = serviceDefaults().errors;
const shape = (e: ReturnType<typeof restError>) => ({ message: e.message, ...e.extensions });

describe('restError', () => {
  it('reads RFC 9457 problem+json: detail, type as the code, invalid-params for the field', () => {
    const body = { type: 'https://api.example/probs/taken', title: 'Email taken', status: 409, detail: 'ada@example.test is already registered', 'invalid-params': [{ name: 'email', reason: 'taken' }] };
    expect(shape(restError('people', 409, body, rule))).toEqual({ message: 'ada@example.test is already registered', code: 'BAD_USER_INPUT', service: 'people', field: 'email', serviceCode: 'https://api.example/probs/taken' });
  });

  it('reads JSON:API errors: the first error\'s detail and code, its source pointer\'s last part as the field', () => {
    const body = { errors: [{ code: 'too_short', detail: 'Name is too short', source: { pointer: '/data/attributes/name' } }] };
    expect(shape(restError('people', 422, body, rule))).toEqual({ message: 'Name is too short', code: 'BAD_USER_INPUT', service: 'people', field: 'name', serviceCode: 'too_short' });
  });

  it('reads our own services\' { error: { message, field } }', () => {
    expect(shape(restError('users', 400, { error: { code: 'INVALID', message: 'email: expected an email address', field: 'email' } }, rule))).toMatchObject({ message: 'email: expected an email address', field: 'email', serviceCode: 'INVALID' });
  });

  it('maps 404 to NOT_FOUND and 403 to FORBIDDEN with the service\'s message, anything else to UPSTREAM_ERROR without it', () => {
    expect(shape(restError('people', 404, { detail: 'no person 9' }, rule))).toMatchObject({ code: 'NOT_FOUND', message: 'no person 9' });
    expect(shape(restError('people', 403, { title: 'Not your tenant' }, rule))).toMatchObject({ code: 'FORBIDDEN', message: 'Not your tenant' });
    expect(shape(restError('people', 500, { detail: 'stack at /srv/app.js:1' }, rule))).toEqual({ code: 'UPSTREAM_ERROR', message: 'people service failed (HTTP 500)', service: 'people' });
    expect(shape(restError('people', 401, { detail: 'bad API key' }, rule))).toMatchObject({ code: 'UPSTREAM_ERROR' });
  });

  it('takes another rule where a service keeps its errors elsewhere', () => {
    const own = { message: ['problem.text'], code: ['problem.id'], field: ['problem.input'] };
    expect(shape(restError('legacy', 400, { problem: { text: 'bad date', id: 17, input: 'from' } }, own))).toMatchObject({ message: 'bad date', field: 'from', serviceCode: '17' });
  });
});
