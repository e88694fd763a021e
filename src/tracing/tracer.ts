// OpenTelemetry tracing, built at start-up when an OTLP endpoint is configured (the standard OTEL_*
// variables set it): a tracer provider of its own (no global registration, no context manager: spans
// are passed along the request explicitly, so there is no async-hook cost), the configured sampler, and
// a batch processor exporting OTLP/HTTP (JSON) with a bounded queue (spans are dropped, never
// buffered without end, when the collector is away). Without an endpoint nothing here is built and
// the request path checks one undefined.
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type Sampler } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '../config/config-schema.ts';

export interface Tracing {
  tracer: Tracer;
  /** Whose traceparent continues a trace. */
  accept: TracingConfig['acceptTraceparent'];
  /** Exports what is queued and stops. */
  shutdown(): Promise<void>;
}

function sampler(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerArg);
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** The gateway's tracer, or undefined when tracing is off (no endpoint). */
export function createTracing(config: TracingConfig): Tracing | undefined {
  if (config.endpoint === undefined) return undefined;
  const exporter = new OTLPTraceExporter({ url: config.endpoint, headers: { ...config.headers }, timeoutMillis: 10_000 });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    sampler: sampler(config),
    spanProcessors: [new BatchSpanProcessor({ exporter, maxQueueSize: 4096, maxExportBatchSize: 512, scheduledDelayMillis: config.exportDelayMs })],
  });
  return { tracer: provider.getTracer('rest-graphql-gateway'), accept: config.acceptTraceparent, shutdown: () => provider.shutdown() };
}
