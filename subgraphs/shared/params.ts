// Parsing and validation of request parameters and bodies, shared by the example services, so that
// every bad input is a 400 that names the field.
import { badField, ServiceError } from './http-service.ts';

/** A record id: the canonical decimal form of a positive integer ("7", never "07" or "7.0"). */
export function parseId(raw: string): number | undefined {
  return /^[1-9][0-9]{0,14}$/.test(raw) ? Number(raw) : undefined;
}

export function intParam(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^[0-9]{1,15}$/.test(raw)) throw badField(name, `expected a non-negative integer, got "${raw.slice(0, 40)}"`);
  return Math.min(Number(raw), max);
}

/** `?ids=1,2,3` (or another list parameter) → the raw ids in order (at most `max`). */
export function idsParam(query: URLSearchParams, max: number, name = 'ids'): string[] | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const ids = raw === '' ? [] : raw.split(',').map((s) => s.trim());
  if (ids.length > max) throw badField(name, `at most ${max} ids per request, got ${ids.length}`);
  return ids;
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ServiceError(400, 'BAD_REQUEST', 'request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** Rejects fields the resource does not have, so a typo is an error and not silently dropped. */
export function rejectUnknownFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw badField(key, `unknown field (allowed: ${allowed.join(', ')})`);
  }
}

export function stringField(body: Record<string, unknown>, name: string, opts: { maxLength: number; pattern?: RegExp; hint?: string }): string {
  const value = body[name];
  if (typeof value !== 'string') throw badField(name, `expected a string, got ${describe(value)}`);
  const trimmed = value.trim();
  if (trimmed === '') throw badField(name, 'must not be empty');
  if (trimmed.length > opts.maxLength) throw badField(name, `at most ${opts.maxLength} characters`);
  if (opts.pattern && !opts.pattern.test(trimmed)) throw badField(name, opts.hint ?? 'has the wrong format');
  return trimmed;
}

export function intField(body: Record<string, unknown>, name: string, lo: number, hi: number): number {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw badField(name, `expected an integer, got ${describe(value)}`);
  if (value < lo || value > hi) throw badField(name, `must be between ${lo} and ${hi}`);
  return value;
}

function asId(value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
  return typeof text === 'string' && parseId(text) !== undefined ? text : undefined;
}

export function idField(body: Record<string, unknown>, name: string): string {
  const id = asId(body[name]);
  if (id === undefined) throw badField(name, `expected an id such as "7", got ${describe(body[name])}`);
  return id;
}

export function idListField(body: Record<string, unknown>, name: string, max: number): string[] {
  const value = body[name];
  if (!Array.isArray(value)) throw badField(name, `expected an array of ids, got ${describe(value)}`);
  if (value.length > max) throw badField(name, `at most ${max} ids`);
  const ids = value.map((item: unknown, i) => {
    const id = asId(item);
    if (id === undefined) throw badField(`${name}[${i}]`, `expected an id such as "7", got ${describe(item)}`);
    return id;
  });
  return [...new Set(ids)];
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
}
