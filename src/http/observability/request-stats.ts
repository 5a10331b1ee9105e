import type { Registry as MetricsRegistry } from 'prom-client'

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

interface Series {
  readonly labels: { method: string; route: string; status: string }
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  readonly counts: number[]
  sum: number
  count: number
}

type Value = { labels: Record<string, string | number>; value: number; metricName?: string }

/**
 * Request count and latency histogram by method, route pattern and status, kept as plain
 * numbers on the hot path and turned into Prometheus series only when scraped. prom-client's
 * own Counter/Histogram hash their labels on every call, which cost a fifth of the throughput
 * of the hottest reads.
 */
export class RequestStats {
  readonly #series = new Map<string, Series>()

  record(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`
    let series = this.#series.get(key)
    if (!series) {
      series = {
        labels: { method, route, status: String(status) },
        counts: new Array(BUCKETS.length + 1).fill(0),
        sum: 0,
        count: 0,
      }
      this.#series.set(key, series)
    }
    let i = 0
    while (i < BUCKETS.length && seconds > BUCKETS[i]!) i++
    series.counts[i]!++
    series.sum += seconds
    series.count++
  }

  /** Registers `<prefix>_requests_total` and `<prefix>_request_duration_seconds`. */
  register(metrics: MetricsRegistry, prefix: string): void {
    const all = () => [...this.#series.values()]
    metrics.registerMetric({
      name: `${prefix}_requests_total`,
      get: async () => ({
        name: `${prefix}_requests_total`,
        help: 'HTTP requests answered, by method, route pattern and status.',
        type: 'counter',
        aggregator: 'sum',
        values: all().map((s): Value => ({ labels: s.labels, value: s.count })),
      }),
    } as never)
    metrics.registerMetric({
      name: `${prefix}_request_duration_seconds`,
      get: async () => ({
        name: `${prefix}_request_duration_seconds`,
        help: 'Time from request received to response sent, by method, route pattern and status.',
        type: 'histogram',
        aggregator: 'sum',
        values: all().flatMap((s): Value[] => {
          let cumulative = 0
          const buckets = BUCKETS.map((le, i) => {
            cumulative += s.counts[i]!
            return {
              labels: { le, ...s.labels },
              value: cumulative,
              metricName: `${prefix}_request_duration_seconds_bucket`,
            }
          })
          return [
            ...buckets,
            {
              labels: { le: '+Inf', ...s.labels },
              value: s.count,
              metricName: `${prefix}_request_duration_seconds_bucket`,
            },
            { labels: s.labels, value: s.sum, metricName: `${prefix}_request_duration_seconds_sum` },
            { labels: s.labels, value: s.count, metricName: `${prefix}_request_duration_seconds_count` },
          ]
        }),
      }),
    } as never)
  }
}
