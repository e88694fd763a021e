// Several instances of one service: requests spread over the healthy ones, an instance whose breaker is
// open is skipped (ejected) until it heals, and with every instance down the call fails fast.
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { createUsersService } from '../../subgraphs/users/users-service.ts';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { statsOf } from '../harness/service-stats.ts';
import { startStack } from '../harness/start-stack.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function usersInstance(): Promise<string> {
  const server = createUsersService();
  cleanups.push(() => closeServer(server));
  return listen(server);
}
async function faultInstance(...args: Parameters<typeof startFaultUpstream>): Promise<FaultUpstream> {
  const fault = await startFaultUpstream(...args);
  cleanups.push(() => fault.close());
  return fault;
}

describe('load balancing', () => {
  it('spreads calls round robin over the instances', async () => {
    const [a, b] = [await usersInstance(), await usersInstance()];
    const stack = await startStack({ serviceConfig: { users: { urls: [a, b] } } });
    cleanups.push(() => stack.close());
    for (let i = 0; i < 10; i++) await gql(stack.gatewayUrl, `{ users(limit: 1, offset: ${i}) { id } }`);
    expect((await statsOf(a)).total).toBe(5);
    expect((await statsOf(b)).total).toBe(5);
  });

  it('sends new calls to the instance with the fewest in flight (least pending)', async () => {
    const slow = await faultInstance({ kind: 'hang' });
    const fast = await usersInstance();
    const stack = await startStack({
      serviceConfig: { users: { urls: [slow.url, fast], balancer: 'least-pending', timeout: '2s', retry: { retries: 0 } } },
    });
    cleanups.push(() => stack.close());
    const stuck = gql(stack.gatewayUrl, '{ users(limit: 1) { id } }'); // ties go to the first instance: the slow one
    if (slow.requests.length === 0) await slow.nextRequest();
    for (let i = 0; i < 5; i++) expect((await gql(stack.gatewayUrl, `{ users(limit: 1, offset: ${i}) { id } }`)).body.errors).toBeUndefined();
    expect(slow.requests).toHaveLength(1);
    expect((await statsOf(fast)).total).toBe(5);
    expect(codesOf((await stuck).body)).toEqual(['GATEWAY_TIMEOUT']);
  });
});

describe('instance ejection', () => {
  it('skips an instance whose breaker opened, with no failed answer reaching the client, and takes it back once it heals', async () => {
    const good = await usersInstance();
    const bad = await faultInstance({ kind: 'status', status: 503 });
    const stack = await startStack({
      serviceConfig: {
        users: {
          urls: [bad.url, good],
          retry: { retries: 1, baseDelay: '1ms', maxDelay: '1ms', budgetRatio: 10 },
          breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, window: '60s', buckets: 6, resetTimeout: '300ms' },
        },
      },
    });
    cleanups.push(() => stack.close());
    const badBreaker = stack.gateway.upstream.service('users')!.instances[0]!.breaker;

    // Each failed attempt on the bad instance is retried on the good one: the client sees only successes.
    for (let i = 0; i < 8; i++) expect((await gql(stack.gatewayUrl, `{ users(limit: 1, offset: ${i}) { id } }`)).body.errors).toBeUndefined();
    expect(badBreaker.opened).toBe(true);
    const seenByBad = bad.requests.length;
    for (let i = 0; i < 6; i++) await gql(stack.gatewayUrl, `{ users(limit: 1, offset: ${i}) { id } }`);
    expect(bad.requests.length).toBe(seenByBad); // ejected: nothing more reaches it

    const health = await (await fetch(`${stack.gatewayUrl}/healthz`)).json();
    expect(health.services.users.map((i: any) => i.breaker)).toEqual(['open', 'closed']);
    const ready = await fetch(`${stack.gatewayUrl}/readyz`);
    expect(ready.status).toBe(200); // one instance is enough

    bad.setMode({ kind: 'proxy', to: good });
    await once(badBreaker, 'halfOpen');
    for (let i = 0; i < 4; i++) await gql(stack.gatewayUrl, `{ users(limit: 1, offset: ${i}) { id } }`);
    expect(badBreaker.closed).toBe(true);
    expect(bad.requests.length).toBeGreaterThan(seenByBad);
  });

  it('fails fast with SERVICE_UNAVAILABLE when every instance is ejected', async () => {
    const [x, y] = [await faultInstance({ kind: 'status', status: 500 }), await faultInstance({ kind: 'status', status: 500 })];
    const stack = await startStack({
      serviceConfig: { users: { urls: [x.url, y.url], retry: { retries: 0 }, breaker: { volumeThreshold: 2, window: '60s', buckets: 6, resetTimeout: '60s' } } },
    });
    cleanups.push(() => stack.close());
    for (let i = 0; i < 4; i++) await gql(stack.gatewayUrl, '{ users(limit: 1) { id } }');
    const seen = x.requests.length + y.requests.length;
    const { body } = await gql(stack.gatewayUrl, '{ users(limit: 1) { id } movie(id: "1") { id } }');
    expect(body.data.movie).toEqual({ id: '1' });
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', service: 'users' } });
    expect(x.requests.length + y.requests.length).toBe(seen);
  });
});
