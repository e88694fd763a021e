#!/usr/bin/env node
// Before `npm test`: makes sure the programs the tests start are installed. redis-server (the rate-limit
// tests start a real one), python3 (it holds a never-accepting socket for the connect-timeout test) and
// openssl (the TLS tests' certificates) come from Debian's packages: installed here when this user may (root, or sudo without a password),
// else the exact command to run is printed and the tests do not start. Node 24 is scripts/with-node.mjs's
// part. Plain JavaScript on purpose: it must run on an older Node too.
import { spawnSync } from 'node:child_process';

const NEEDED = [
  { command: 'redis-server', pkg: 'redis-server', why: 'the rate-limit tests start a real redis-server' },
  { command: 'python3', pkg: 'python3', why: 'the connect-timeout test holds a socket with a python3 helper' },
  { command: 'openssl', pkg: 'openssl', why: 'the TLS tests make a throwaway CA and certificates with openssl' },
];

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const missing = NEEDED.filter((n) => !has(n.command));
if (missing.length === 0) process.exit(0);

const packages = missing.map((n) => n.pkg);
const list = packages.join(' ');
for (const n of missing) console.error(`[provision-tests] ${n.command} is missing: ${n.why}`);

const root = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = !root && has('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
if (has('apt-get') && (root || sudo)) {
  const run = (args) => {
    const [cmd, ...rest] = sudo ? ['sudo', '-n', ...args] : args;
    return spawnSync(cmd, rest, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  };
  console.error(`[provision-tests] installing ${list} from Debian's packages (once)`);
  if (run(['apt-get', 'update']) && run(['apt-get', 'install', '-y', '--no-install-recommends', ...packages])) {
    // The package starts a system-wide redis on 6379; the tests start their own on free ports.
    if (packages.includes('redis-server') && has('service')) run(['service', 'redis-server', 'stop']);
    if (missing.every((n) => has(n.command))) process.exit(0);
  }
  console.error('[provision-tests] the install did not succeed');
}
console.error(`[provision-tests] install them, then run npm test again:
    sudo apt-get install -y ${list}        # Debian, Ubuntu
    brew install ${list.replace('redis-server', 'redis')}                # macOS`);
process.exit(1);
