// Why a request's credentials were refused. `invalid_token` and `invalid_request` are RFC 6750's error
// values for the WWW-Authenticate header; the message says what was wrong and never echoes the token.
import { withoutStack, type GatewayErrorCode } from '../errors.ts';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: GatewayErrorCode;
  readonly bearerError: 'invalid_token' | 'invalid_request' | undefined;

  constructor(code: GatewayErrorCode, message: string, bearerError?: 'invalid_token' | 'invalid_request') {
    super(message);
    this.code = code;
    this.bearerError = bearerError;
  }
}

export const invalidToken = (message: string): AuthError => withoutStack(() => new AuthError('UNAUTHENTICATED', message, 'invalid_token'));
/** A malformed Authorization header (401), or a token where none may be sent, the URL (400). */
export const invalidRequest = (message: string, code: GatewayErrorCode = 'UNAUTHENTICATED'): AuthError =>
  withoutStack(() => new AuthError(code, message, 'invalid_request'));
/** The keys to verify with could not be fetched: the token may be fine, the gateway cannot tell. */
export const keysUnavailable = (): AuthError => withoutStack(() => new AuthError('SERVICE_UNAVAILABLE', 'the keys that verify tokens could not be fetched; try again shortly'));

/** The WWW-Authenticate value of a refusal (401 or 403), per RFC 6750 section 3. */
export function bearerChallenge(error?: 'invalid_token' | 'invalid_request' | 'insufficient_scope', description?: string, scope?: string): string {
  let value = 'Bearer realm="gateway"';
  if (error) value += `, error="${error}"`;
  if (description) value += `, error_description="${description.replace(/["\\]/g, '')}"`;
  if (scope) value += `, scope="${scope}"`;
  return value;
}

/** The WWW-Authenticate header a refusal carries (none for a 503: the credentials were not judged). */
export function challengeHeaders(err: AuthError): Record<string, string> | undefined {
  return err.code === 'SERVICE_UNAVAILABLE' ? undefined : { 'www-authenticate': bearerChallenge(err.bearerError, err.message) };
}
