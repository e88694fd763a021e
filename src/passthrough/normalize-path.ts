// Path checks before routing. The gateway never rewrites a path into another meaning: anything that a
// service could read as a different path than the gateway did (dot segments, encoded dots, slashes or
// backslashes, double encoding, empty segments) is refused with 400, so no request can reach a path
// outside its route's prefix.
export type PathCheck = { ok: true } | { ok: false; reason: string };

const ENCODED_SEPARATOR = /%2f|%5c/i;
const ENCODED_DOT = /%2e/i;
const DOUBLE_ENCODED = /%25/;
const VALID_ESCAPES = /%(?![0-9a-f]{2})/i;

export function checkPath(path: string): PathCheck {
  if (!path.startsWith('/')) return { ok: false, reason: 'the path must start with "/"' };
  if (path.includes('\\')) return { ok: false, reason: 'backslashes are not allowed in paths' };
  if (ENCODED_SEPARATOR.test(path)) return { ok: false, reason: 'encoded slashes and backslashes (%2F, %5C) are not allowed in paths' };
  if (ENCODED_DOT.test(path)) return { ok: false, reason: 'encoded dots (%2E) are not allowed in paths' };
  if (DOUBLE_ENCODED.test(path)) return { ok: false, reason: 'double encoding (%25) is not allowed in paths' };
  if (VALID_ESCAPES.test(path)) return { ok: false, reason: 'a "%" must start an escape such as %20' };
  const segments = path.split('/').slice(1);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === '.' || segment === '..') return { ok: false, reason: 'dot segments ("." and "..") are not allowed in paths' };
    if (segment === '' && i < segments.length - 1) return { ok: false, reason: 'empty path segments ("//") are not allowed' };
  }
  return { ok: true };
}
