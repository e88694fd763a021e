// The request path's counters and histograms, as prom-client's registry prints them at scrape time.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastCounter, FastHistogram } from '../../../src/metrics/instruments.ts';
import { parseMetrics, valueOf } from '../../harness/prometheus.ts';

describe('instruments', () => {
  it('a counter keeps one number per label tuple, printed with its labels', async () => {
    const registry = new Registry();
    const calls = new FastCounter(registry, 'calls_total', 'Calls.', ['service', 'status']);
    calls.inc(['users', '200']);
    calls.inc(['users', '200'], 2);
    calls.inc(['movies', '503']);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE calls_total counter');
    const samples = parseMetrics(text);
    expect(valueOf(samples, 'calls_total', { service: 'users', status: '200' })).toBe(3);
    expect(valueOf(samples, 'calls_total', { service: 'movies', status: '503' })).toBe(1);
  });

  it('a histogram counts each value in the first bucket that holds it, printed cumulative with +Inf, sum and count', async () => {
    const registry = new Registry();
    const seconds = new FastHistogram(registry, 'latency_seconds', 'Latency.', ['handler'], [0.01, 0.1, 1]);
    for (const v of [0.005, 0.05, 0.05, 0.5, 5]) seconds.observe(['graphql'], v);
    const samples = parseMetrics(await registry.metrics());
    const bucket = (le: string) => valueOf(samples, 'latency_seconds_bucket', { handler: 'graphql', le });
    expect([bucket('0.01'), bucket('0.1'), bucket('1'), bucket('+Inf')]).toEqual([1, 3, 4, 5]);
    expect(valueOf(samples, 'latency_seconds_count', { handler: 'graphql' })).toBe(5);
    expect(valueOf(samples, 'latency_seconds_sum', { handler: 'graphql' })).toBeCloseTo(5.605);
  });

  it('a histogram without labels prints one series', async () => {
    const registry = new Registry();
    new FastHistogram(registry, 'calls', 'Calls per operation.', [], [1, 3]).observe([], 3);
    const samples = parseMetrics(await registry.metrics());
    expect(valueOf(samples, 'calls_bucket', { le: '1' })).toBe(0);
    expect(valueOf(samples, 'calls_bucket', { le: '3' })).toBe(1);
    expect(valueOf(samples, 'calls_count')).toBe(1);
  });
});
