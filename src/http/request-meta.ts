// What every part of one request's handling shares: its id, its logger (whose lines carry the id), and
// its trace when tracing.
import type { RequestTrace } from '../tracing/spans.ts';
import type { Logger } from '../logger.ts';

export interface RequestMeta {
  requestId: string;
  log: Logger;
  trace?: RequestTrace | undefined;
}
