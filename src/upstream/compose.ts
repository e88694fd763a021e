// The order of the upstream layer, written only here. Outermost first:
//   deadline (total time) → retry (idempotent, budgeted) → balancer (healthy instance) →
//   breaker (per instance) → attempt (pool, connect and first-byte timeouts)
// Retry sits outside the balancer, so a retried GET can go to another instance, and the deadline
// covers the retries too.
import { attempt } from './attempt.ts';
import { balancer } from './balancer.ts';
import { breaker } from './breaker.ts';
import type { Call, Interceptor } from './call.ts';
import { retry } from './retry.ts';

const CHAIN: readonly Interceptor[] = [retry, balancer, breaker];

export function composeCall(): Call {
  return CHAIN.reduceRight<Call>((next, interceptor) => interceptor(next), attempt);
}
