// Path checks before routing. The gateway never rewrites a path into another meaning: anything that a
// service could read as a different path than the gateway did (dot segments, encoded dots, slashes or
// backslashes, double encoding, empty segments, `;` parameters on dot segments as Tomcat and Spring read
// them, overlong or invalid UTF-8, control characters and NUL once decoded) is refused with 400, so no
// request can reach a path outside its route's prefix.
export type PathCheck = { ok: true } | { ok: false; reason: string };

const ENCODED_SEPARATOR = /%2f|%5c/i;
const ENCODED_DOT = /%2e/i;
const DOUBLE_ENCODED = /%25/;
const VALID_ESCAPES = /%(?![0-9a-f]{2})/i;
/** Printable ASCII with no "%" escape and no ";": nothing more to decode or look at. */
const PLAIN = /^[\x21-\x24\x26-\x3a\x3c-\x7e]*$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function checkPath(path: string): PathCheck {
  if (!path.startsWith('/')) return { ok: false, reason: 'the path must start with "/"' };
  if (path.includes('\\')) return { ok: false, reason: 'backslashes are not allowed in paths' };
  if (ENCODED_SEPARATOR.test(path)) return { ok: false, reason: 'encoded slashes and backslashes (%2F, %5C) are not allowed in paths' };
  if (ENCODED_DOT.test(path)) return { ok: false, reason: 'encoded dots (%2E) are not allowed in paths' };
  if (DOUBLE_ENCODED.test(path)) return { ok: false, reason: 'double encoding (%25) is not allowed in paths' };
  if (VALID_ESCAPES.test(path)) return { ok: false, reason: 'a "%" must start an escape such as %20' };
  const plain = PLAIN.test(path);
  const segments = path.split('/').slice(1);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (segment === '.' || segment === '..') return { ok: false, reason: 'dot segments ("." and "..") are not allowed in paths' };
    if (segment === '' && i < segments.length - 1) return { ok: false, reason: 'empty path segments ("//") are not allowed' };
    if (!plain) {
      const refused = checkDecoded(segment);
      if (refused) return { ok: false, reason: refused };
    }
  }
  return { ok: true };
}

/** What is wrong with one segment once its escapes are decoded, if anything. */
function checkDecoded(segment: string): string | undefined {
  let decoded: string;
  try {
    // Strict UTF-8: overlong forms (%C0%AE for "."), lone surrogates and truncated sequences throw.
    decoded = decodeURIComponent(segment);
  } catch {
    return 'escapes must be valid UTF-8 (no overlong or truncated sequences)';
  }
  for (const char of segment) if (char.charCodeAt(0) > 0x7e) return 'characters outside printable ASCII must be percent-encoded';
  if (CONTROL.test(decoded)) return 'control characters and NUL are not allowed in paths';
  const beforeParams = decoded.split(';', 1)[0];
  if (beforeParams === '.' || beforeParams === '..') return 'dot segments with ";" parameters ("..;") are not allowed in paths';
  return undefined;
}
