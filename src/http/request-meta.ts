// What every part of one request's handling shares: its id, its logger (whose lines carry the id), and
// its span when tracing.
import type { Span } from '@opentelemetry/api';
import type { Logger } from '../logger.ts';

export interface RequestMeta {
  requestId: string;
  log: Logger;
  span?: Span | undefined;
}
