// JSON answers of the gateway's own routes, and REST error bodies: { error: { code, message, requestId } }
// with the status from the error catalogue.
import type { ServerResponse } from 'node:http';
import { HTTP_STATUS, type GatewayErrorCode } from '../errors.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sendJsonError(res: ServerResponse, code: GatewayErrorCode, message: string, requestId: string, headers?: Record<string, string>): void {
  sendJson(res, HTTP_STATUS[code], { error: { code, message, requestId } }, headers);
}
