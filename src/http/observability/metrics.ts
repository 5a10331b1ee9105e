import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry as MetricsRegistry } from 'prom-client'
import type { Registry } from '../../registry/registry.js'

const REGISTER_ROUTE = '/subjects/:subject/versions'
const COMPATIBILITY_PREFIX = '/compatibility/'

/**
 * `/metrics` in Prometheus text format: requests by route pattern and status, latency
 * histograms, schema and subject counts, compatibility checks and failures. Each app has its
 * own metrics registry, so several apps in one process never share counters.
 */
export function installMetrics(app: FastifyInstance, registry: Registry): MetricsRegistry {
  const metrics = new MetricsRegistry()
  const labelNames = ['method', 'route', 'status'] as const
  const requests = new Counter({
    name: 'registrum_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames,
    registers: [metrics],
  })
  const latency = new Histogram({
    name: 'registrum_http_request_duration_seconds',
    help: 'Time from request received to response sent, by method, route pattern and status.',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metrics],
  })
  const checks = new Counter({
    name: 'registrum_compatibility_checks_total',
    help: 'Compatibility checks: registrations answered 200 or 409, and compatibility endpoint calls.',
    labelNames: ['source'],
    registers: [metrics],
  })
  const failures = new Counter({
    name: 'registrum_compatibility_failures_total',
    help: 'Failed compatibility checks: registrations refused with 409, endpoint answers with is_compatible false.',
    labelNames: ['source'],
    registers: [metrics],
  })
  const inFlight = new Gauge({
    name: 'registrum_http_requests_in_flight',
    help: 'Requests received and not yet answered.',
    registers: [metrics],
  })
  new Gauge({
    name: 'registrum_schemas',
    help: 'Schemas stored under a global id, all contexts.',
    registers: [metrics],
    collect() {
      const store = registry.core.store
      this.set(store.contexts().reduce((n, c) => n + store.maxId(c), 0))
    },
  })
  new Gauge({
    name: 'registrum_subjects',
    help: 'Subjects with at least one live version, all contexts.',
    registers: [metrics],
    collect() {
      this.set(registry.listSubjects({}).length)
    },
  })
  for (const source of ['register', 'endpoint']) {
    checks.inc({ source }, 0)
    failures.inc({ source }, 0)
  }

  const open = new WeakSet<object>()
  app.addHook('onRequest', async (request) => {
    open.add(request)
    inFlight.inc()
  })
  app.addHook('onRequestAbort', async (request) => {
    if (open.delete(request)) inFlight.dec()
  })

  app.addHook('preSerialization', async (request, reply, payload: unknown) => {
    if (request.routeOptions.url?.startsWith(COMPATIBILITY_PREFIX) && reply.statusCode === 200) {
      const compatible = (payload as { is_compatible?: unknown } | null)?.is_compatible
      if (typeof compatible === 'boolean') {
        checks.inc({ source: 'endpoint' })
        if (!compatible) failures.inc({ source: 'endpoint' })
      }
    }
    return payload
  })

  app.addHook('onResponse', async (request, reply) => {
    if (open.delete(request)) inFlight.dec()
    const route = request.routeOptions.url ?? 'unmatched'
    const labels = { method: request.method, route, status: String(reply.statusCode) }
    requests.inc(labels)
    latency.observe(labels, reply.elapsedTime / 1000)
    if (route === REGISTER_ROUTE && request.method === 'POST' && (reply.statusCode === 200 || reply.statusCode === 409)) {
      checks.inc({ source: 'register' })
      if (reply.statusCode === 409) failures.inc({ source: 'register' })
    }
  })

  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.contentType).send(await metrics.metrics())
  })
  return metrics
}
