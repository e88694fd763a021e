// Counters and histograms for the request path, registered in a prom-client registry (which formats and
// aggregates them) but counted here: prom-client's labelled inc() and observe() rebuild and hash the label
// set on every call, which measured at a tenth of the passthrough's throughput. Here each label tuple is
// found through nested Maps of its values (no string built per event) and holds plain numbers; the
// registry reads them only when /metrics is scraped.
import type { Registry } from 'prom-client';

type Labels = Record<string, string>;

/** The state of each label tuple, found by its values in order. */
class Series<S> {
  readonly #root = new Map<string, unknown>();
  readonly #all: S[] = [];
  readonly #names: readonly string[];
  readonly #make: (labels: Labels) => S;
  constructor(names: readonly string[], make: (labels: Labels) => S) {
    this.#names = names;
    this.#make = make;
  }
  get(values: readonly string[]): S {
    let map = this.#root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = map.get(values[i]!) as Map<string, unknown> | undefined;
      if (!next) map.set(values[i]!, (next = new Map()));
      map = next;
    }
    const last = values[values.length - 1] ?? '';
    let state = map.get(last) as S | undefined;
    if (state === undefined) {
      state = this.#make(Object.fromEntries(this.#names.map((n, i) => [n, values[i]!])));
      map.set(last, state);
      this.#all.push(state);
    }
    return state;
  }
  get all(): readonly S[] {
    return this.#all;
  }
}

interface MetricValue {
  labels: Labels;
  value: number;
  metricName?: string;
}

/** What prom-client's registry asks of a metric: its name, help, type and values. */
abstract class Instrument {
  readonly aggregator = 'sum' as const;
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  constructor(name: string, help: string, type: 'counter' | 'histogram') {
    this.name = name;
    this.help = help;
    this.type = type;
  }
  abstract values(): MetricValue[];
  get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: 'sum' }> {
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values: this.values(), aggregator: this.aggregator });
  }
  reset(): void {}
}

export class FastCounter extends Instrument {
  readonly #series: Series<{ labels: Labels; value: number }>;
  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[]) {
    super(name, help, 'counter');
    this.#series = new Series(labelNames, (labels) => ({ labels, value: 0 }));
    registry.registerMetric(this as never);
  }
  inc(values: readonly string[], by = 1): void {
    this.#series.get(values).value += by;
  }
  values(): MetricValue[] {
    return this.#series.all.map((s) => ({ labels: s.labels, value: s.value }));
  }
}

export class FastHistogram extends Instrument {
  readonly #bounds: readonly number[];
  readonly #series: Series<{ labels: Labels; counts: Float64Array; sum: number; count: number }>;
  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[], bounds: readonly number[]) {
    super(name, help, 'histogram');
    this.#bounds = bounds;
    this.#series = new Series(labelNames, (labels) => ({ labels, counts: new Float64Array(bounds.length), sum: 0, count: 0 }));
    registry.registerMetric(this as never);
  }
  observe(values: readonly string[], value: number): void {
    const s = this.#series.get(values);
    const bounds = this.#bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        s.counts[i]!++;
        break;
      }
    }
    s.sum += value;
    s.count++;
  }
  values(): MetricValue[] {
    const out: MetricValue[] = [];
    for (const s of this.#series.all) {
      let cumulative = 0;
      this.#bounds.forEach((bound, i) => {
        cumulative += s.counts[i]!;
        out.push({ labels: { ...s.labels, le: String(bound) }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      out.push({ labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: `${this.name}_bucket` });
      out.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      out.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return out;
  }
}
