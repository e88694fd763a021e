// The shape every upstream interceptor shares: a Call takes the call's context and resolves with an HTTP
// answer; an Interceptor wraps the next Call. compose.ts puts them in order.
import type { Instance } from './instance.ts';
import type { UpstreamRequest, UpstreamResponse } from './messages.ts';
import type { ServiceRuntime } from './service-runtime.ts';

/** One call's state, shared by its interceptors (the retry loop and the balancer update it). */
export interface CallContext {
  service: ServiceRuntime;
  request: UpstreamRequest;
  /** The call's W3C trace context headers, when tracing (a JSON call's; the passthrough's are in its raw headers). */
  traceHeaders?: Readonly<Record<string, string>> | undefined;
  /** Aborts when the call's total deadline passes; covers every attempt and backoff. */
  deadline: AbortSignal;
  /** Set by the balancer for each attempt. */
  instance?: Instance;
  /** 0 for the first attempt. */
  attempt: number;
}

export type Call = (ctx: CallContext) => Promise<UpstreamResponse>;
export type Interceptor = (next: Call) => Call;
