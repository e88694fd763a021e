// The request id: taken from the caller's X-Request-Id when trusted and well formed, else minted. The
// only place the header's name is defined; it is echoed in the response and sent on every upstream call.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(req: IncomingMessage, trustCaller: boolean): string {
  const given = req.headers[REQUEST_ID_HEADER];
  if (trustCaller && typeof given === 'string' && WELL_FORMED.test(given)) return given;
  return randomUUID();
}
