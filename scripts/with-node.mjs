#!/usr/bin/env node
// Runs a script with a Node.js that can execute TypeScript directly (22.12+, 24 LTS recommended). With an
// older Node on PATH it uses, or installs once from the npm registry, Node 24 under .tools/node24, so that
// `npm install && npm start` and `npm test` work on any machine with npm. Plain JavaScript on purpose:
// it must run on the old Node too.
//   node scripts/with-node.mjs <script> [args...]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const [major, minor] = process.versions.node.split('.').map(Number);
// Type stripping is on by default from 22.18 (and 23.6); 22.12 to 22.17 have it behind a flag.
const native = major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
const flagged = major === 22 && minor >= 12 && minor < 18;

function localNode() {
  const bin = join(root, '.tools/node24/node_modules/.bin/node');
  if (!existsSync(bin)) {
    console.error(`[with-node] Node ${process.versions.node} cannot run TypeScript directly; installing Node 24 into .tools/node24 (once)`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['install', '--prefix', join(root, '.tools/node24'), '--no-save', '--no-audit', '--no-fund', 'node@24'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0 || !existsSync(bin)) {
      console.error('[with-node] could not install Node 24; install Node.js 24 LTS and run again');
      process.exit(1);
    }
  }
  return bin;
}

const node = native || flagged ? process.execPath : localNode();
const flags = flagged ? ['--experimental-strip-types', '--no-warnings=ExperimentalWarning'] : [];
const child = spawn(node, [...flags, ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() });
// Ctrl-C reaches the child through the terminal's process group; SIGTERM from a supervisor is passed on.
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => {});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
