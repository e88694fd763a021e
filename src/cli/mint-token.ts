// Mints a development token signed with the development key, for GraphiQL's headers tab and curl:
//   npm run token -- --sub 42 --scope movies:write --scope users:write [--ttl 1h]
import { parseArgs } from 'node:util';
import { importJWK, SignJWT } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER, loadDevKey } from '../auth/dev-key.ts';
import { parseDuration } from '../config/units.ts';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    scope: { type: 'string', multiple: true, default: [] },
    ttl: { type: 'string', default: '1h' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || !values.sub) {
  console.error('usage: npm run token -- --sub <user id> [--scope <scope> ...] [--ttl 1h]\n' +
    'Prints a token signed with the development key (.dev/jwt-dev-key.json), which the gateway accepts unless NODE_ENV=production.');
  process.exit(values.help ? 0 : 2);
}
const ttlMs = parseDuration(values.ttl);
if (ttlMs === undefined || typeof values.ttl !== 'string' || ttlMs < 1000) {
  console.error(`--ttl: expected a duration of a second or more such as "30m", "1h" or "7d", got ${JSON.stringify(values.ttl)}`);
  process.exit(2);
}

const key = loadDevKey();
const scopes = values.scope.flatMap((s) => s.split(/[\s,]+/)).filter(Boolean);
const token = await new SignJWT({ scope: scopes.join(' ') })
  .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
  .setSubject(values.sub)
  .setIssuer(DEV_ISSUER)
  .setAudience(DEV_AUDIENCE)
  .setIssuedAt()
  .setExpirationTime(Math.floor((Date.now() + ttlMs) / 1000))
  .sign(await importJWK(key.privateJwk, 'ES256'));
console.log(token);
