// SIGTERM on the real process (src/main.ts): /readyz answers 503 at once while connections are still
// accepted, a request that was in flight when the signal came completes, connections are refused once
// the drain delay is over, and the process exits 0 after its last request.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsersService } from '../../subgraphs/users/users-service.ts';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { outputLines } from '../harness/output-lines.ts';
import { ROOT, schemaFile } from '../harness/start-stack.ts';

/** Whether a TCP connection to `port` is refused (true) or accepted (false). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? resolve(true) : reject(err)));
  });
}

interface RunningGateway {
  child: ChildProcess;
  url: string;
  /** Resolves when the gateway has logged a line with this message. */
  logged(message: string): Promise<string>;
  /** The log lines read so far. */
  lines(): string[];
}

/** src/main.ts in a process of its own, in front of `usersUrl` and `moviesUrl`, with `config` over JSON logs at info. */
async function startGatewayProcess(usersUrl: string, moviesUrl: string, config: Record<string, unknown>): Promise<RunningGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-drain-'));
  const file = join(dir, 'gateway.config.json');
  writeFileSync(file, JSON.stringify({
    port: 0,
    logLevel: 'info',
    logFormat: 'json',
    services: { users: { urls: [usersUrl], schema: schemaFile('users') }, movies: { urls: [moviesUrl], schema: schemaFile('movies') } },
    ...config,
  }));
  const child = spawn(process.execPath, [resolve(ROOT, 'src/main.ts'), '--config', file], { cwd: dir, env: { ...process.env, NODE_ENV: 'development' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = outputLines(child.stderr!);
  const started = await outputLines(child.stdout!).find((line) => line.startsWith('gateway on '));
  return { child, url: /^gateway on (http:\/\/\S+)/.exec(started)![1]!, logged: (message) => log.find((line) => line.includes(`"message":"${message}"`)), lines: () => log.seen };
}

describe('graceful drain on SIGTERM', () => {
  const users = createUsersService();
  let usersUrl: string;
  let slow: FaultUpstream;
  let hanging: FaultUpstream;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    usersUrl = await listen(users);
    // This movies service answers after 600 ms: long enough to be in flight across the signal and the delay.
    slow = await startFaultUpstream({ kind: 'delay', ms: 600, then: { kind: 'status', status: 200, body: { id: '1', title: 'Slow Movie' } } });
    hanging = await startFaultUpstream({ kind: 'hang' });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await slow.close();
    await hanging.close();
    await closeServer(users);
  });

  it('answers /readyz 503 at once, finishes the request in flight, refuses connections after the delay, exits 0', async () => {
    const { child, url: gatewayUrl, logged, lines } = await startGatewayProcess(usersUrl, slow.url, { drainDelay: '300ms', shutdownTimeout: '10s' });
    children.push(child);
    expect((await fetch(`${gatewayUrl}/readyz`)).status).toBe(200);
    const port = Number(new URL(gatewayUrl).port);

    const arrived = slow.nextRequest();
    const inFlight = fetch(`${gatewayUrl}/movies/1`);
    await arrived; // the request has reached the service: it is in flight
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await logged('draining'); // the signal is handled

    // During the delay: still accepting, but not ready, and each answer closes its connection.
    const ready = await fetch(`${gatewayUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining' });
    expect(ready.headers.get('connection')).toBe('close');

    await logged('no longer accepting connections');
    expect(await refused(port)).toBe(true);

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ id: '1', title: 'Slow Movie' });
    expect(slow.requests.filter((r) => r.url === '/movies/1')).toHaveLength(1); // the rest are /readyz's health probes

    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // Stopped when the last connection ended, not at the shutdown timeout.
    await logged('stopped');
    expect(lines().some((line) => line.includes('shutdown timeout'))).toBe(false);
  });

  it('cuts what is still in flight at shutdownTimeout, and still exits 0', async () => {
    const { child, url: gatewayUrl, logged } = await startGatewayProcess(usersUrl, hanging.url, { drainDelay: '0ms', shutdownTimeout: '500ms', services: { users: { urls: [usersUrl], schema: schemaFile('users') }, movies: { urls: [hanging.url], schema: schemaFile('movies'), timeout: '60s', firstByteTimeout: '60s' } } });
    children.push(child);
    const arrived = hanging.nextRequest();
    const stuck = fetch(`${gatewayUrl}/movies/1`).then(() => 'answered', (err: Error) => `cut: ${(err.cause as NodeJS.ErrnoException | undefined)?.code ?? err.message}`);
    await arrived;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await logged('no longer accepting connections');
    expect(await logged('shutdown timeout: the connections still open are cut')).toContain('"requests":1');
    expect(await stuck).toMatch(/^cut: /);
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect((await logged('stopped')).length).toBeGreaterThan(0);
  });
});
