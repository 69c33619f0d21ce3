import type { Metric, Registry } from "prom-client";
import type { HistBucket } from "../bpftrace/messages.js";

interface Series {
  /** Upper bound (inclusive, scaled) → count in that bucket. */
  buckets: Map<number, number>;
  overflow: number;
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram fed with bpftrace's already-bucketed log2 histograms: prom-client's
 * Histogram wants one observe() per value, which would mean one call per packet. A bpftrace
 * bucket [min, max] becomes le = (max + 1) × scale, so powers of two stay exact; the sum uses
 * each bucket's midpoint, the best a bucketed source allows.
 */
export class BucketHistogram {
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelName: string,
    private readonly scale: number,
  ) {}

  add(labelValue: string, buckets: readonly HistBucket[]): void {
    let s = this.series.get(labelValue);
    if (!s) this.series.set(labelValue, (s = { buckets: new Map(), overflow: 0, sum: 0, count: 0 }));
    for (const b of buckets) {
      if (b.count <= 0) continue;
      s.count += b.count;
      if (b.max === undefined) {
        s.overflow += b.count;
        s.sum += (b.min ?? 0) * this.scale * b.count;
        continue;
      }
      const le = (b.max + 1) * this.scale;
      s.buckets.set(le, (s.buckets.get(le) ?? 0) + b.count);
      s.sum += (((b.min ?? 0) + b.max) / 2) * this.scale * b.count;
    }
  }

  /** What prom-client's registry reads from a metric at scrape time. */
  get(): {
    name: string;
    help: string;
    type: "histogram";
    aggregator: "sum";
    values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }>;
  } {
    // Every series reports the same bounds, so histogram_quantile can aggregate across them.
    const bounds = [...new Set([...this.series.values()].flatMap((s) => [...s.buckets.keys()]))].sort(
      (a, b) => a - b,
    );
    const values = [];
    for (const [lv, s] of [...this.series].sort((a, b) => a[0].localeCompare(b[0]))) {
      let cumulative = 0;
      for (const le of bounds) {
        cumulative += s.buckets.get(le) ?? 0;
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { [this.labelName]: lv, le },
          value: cumulative,
        });
      }
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { [this.labelName]: lv, le: "+Inf" },
        value: s.count,
      });
      values.push({ metricName: `${this.name}_sum`, labels: { [this.labelName]: lv }, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: { [this.labelName]: lv }, value: s.count });
    }
    return { name: this.name, help: this.help, type: "histogram", aggregator: "sum", values };
  }

  register(registry: Registry): void {
    // The registry only calls get() and reads name/type; this is the duck type it documents.
    registry.registerMetric(this as unknown as Metric);
  }
}
