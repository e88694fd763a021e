// A configured service at run time: its instances, its retry budget and the balancer's cursor.
import type { ServiceConfig } from '../config/config-schema.ts';
import { Instance } from './instance.ts';
import { ResponseCache } from './response-cache.ts';
import { RetryBudget } from './retry-budget.ts';
import type { ServiceTls } from './service-tls.ts';
import type { IdentitySigner } from './identity-signature.ts';

export class ServiceRuntime {
  readonly name: string;
  readonly config: ServiceConfig;
  readonly instances: readonly Instance[];
  readonly budget: RetryBudget;
  /** The service's response cache, when configured. */
  readonly cache: ResponseCache | undefined;
  /** The TLS material its pools were made with (https:// instances with tls configured). */
  readonly tls: ServiceTls | undefined;
  /** Signs what the gateway asserts on each call (signIdentity), when configured. */
  readonly signer: IdentitySigner | undefined;
  /** Round-robin cursor. */
  next = 0;

  constructor(name: string, config: ServiceConfig, tls?: ServiceTls, signer?: IdentitySigner) {
    this.name = name;
    this.config = config;
    this.tls = tls;
    this.signer = signer;
    this.instances = config.urls.map((url, i) => new Instance(url, config, `${name}#${i}`, tls));
    this.budget = new RetryBudget(config.retry.budgetRatio, config.retry.budgetMinPerSecond, 10_000);
    this.cache = config.cache.enabled ? new ResponseCache(config.cache.maxBytes, config.cache.coalesce) : undefined;
  }
}
