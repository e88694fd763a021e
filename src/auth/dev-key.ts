// The development signing key: an ES256 key pair made on first use in .dev/ (git-ignored), so that
// `npm start` verifies tokens and `npm run token` mints them with no set-up. It is never used in
// production: the production preset turns it off and requires configured keys.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JWK } from 'jose';
import type { DevVerification } from './token-verifier.ts';

export const DEV_ISSUER = 'gateway-dev';
export const DEV_AUDIENCE = 'gateway';

export interface DevKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** The project's folder (nearest package.json up), the same from src/ and from dist/src/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const DEV_KEY_FILE = join(packageRoot(), '.dev/jwt-dev-key.json');

/** Reads the development key, making it first if there is none (safe when several processes race). */
export function loadDevKey(file = DEV_KEY_FILE): DevKey {
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
    const kid = `dev-${createHash('sha256').update(String(privateJwk.x) + String(privateJwk.y)).digest('base64url').slice(0, 12)}`;
    mkdirSync(dirname(file), { recursive: true });
    // Written aside, then linked into place: linking fails if another process got there first, and a
    // reader never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ kid, privateJwk }, null, 2), { mode: 0o600 });
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  const { kid, privateJwk } = JSON.parse(readFileSync(file, 'utf8')) as { kid: string; privateJwk: JWK };
  const { d: _private, ...publicJwk } = privateJwk;
  return { kid, privateJwk, publicJwk };
}

/** What the verifier needs to accept development tokens. */
export function devVerification(key: DevKey): DevVerification {
  return { key: { kid: key.kid, algorithms: ['ES256'], jwk: key.publicJwk as Record<string, unknown> }, issuer: DEV_ISSUER, audience: DEV_AUDIENCE };
}
