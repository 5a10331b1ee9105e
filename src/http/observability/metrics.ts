import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Registry as MetricsRegistry } from 'prom-client'
import type { Registry } from '../../registry/registry.js'
import type { RequestHooks } from '../request-hooks.js'
import { RequestStats } from './request-stats.js'

const REGISTER_ROUTE = '/subjects/:subject/versions'
const COMPATIBILITY_PREFIX = '/compatibility/'

/**
 * `/metrics` in Prometheus text format: requests by route pattern and status, latency
 * histograms, schema and subject counts, compatibility checks and failures. Each app has its
 * own metrics registry, so several apps in one process never share counters.
 */
export function installMetrics(
  app: FastifyInstance,
  hooks: RequestHooks,
  registry: Registry,
  inFlight: () => number,
  auth?: { readonly passwordChecks: number; readonly throttled: number },
  stats = new RequestStats(),
): MetricsRegistry {
  const metrics = new MetricsRegistry()
  stats.register(metrics, 'registrum_http')
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
  new Gauge({
    name: 'registrum_http_requests_in_flight',
    help: 'Requests received and not yet answered.',
    registers: [metrics],
    collect() {
      this.set(inFlight())
    },
  })
  new Gauge({
    name: 'registrum_schemas',
    help: 'Schemas stored under a global id, all contexts.',
    registers: [metrics],
    collect() {
      this.set(registry.schemaCount())
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
  if (auth) {
    new Counter({
      name: 'registrum_auth_password_checks_total',
      help: 'Basic-auth passwords checked with scrypt (unknown users included, cached sign-ins not).',
      registers: [metrics],
      collect() {
        this.reset()
        this.inc(auth.passwordChecks)
      },
    })
    new Counter({
      name: 'registrum_auth_throttled_total',
      help: 'Basic-auth sign-ins refused with 429 after repeated failures from the principal or address.',
      registers: [metrics],
      collect() {
        this.reset()
        this.inc(auth.throttled)
      },
    })
  }
  for (const source of ['register', 'endpoint']) {
    checks.inc({ source }, 0)
    failures.inc({ source }, 0)
  }

  // These hooks run on every request: callback style, as an async hook costs a promise each time.
  // Only the compatibility routes need to see their answer.
  const countEndpointCheck = (
    _request: unknown,
    reply: { statusCode: number },
    payload: unknown,
    done: (err: null, p: unknown) => void,
  ) => {
    if (reply.statusCode === 200) {
      const compatible = (payload as { is_compatible?: unknown } | null)?.is_compatible
      if (typeof compatible === 'boolean') {
        checks.inc({ source: 'endpoint' })
        if (!compatible) failures.inc({ source: 'endpoint' })
      }
    }
    done(null, payload)
  }
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(COMPATIBILITY_PREFIX)) return
    const existing = route.preSerialization
    route.preSerialization = [...(existing ? [existing].flat() : []), countEndpointCheck as never]
  })

  hooks.onResponse((request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    stats.record(request.method, route, reply.statusCode, reply.elapsedTime / 1000)
    if (
      route === REGISTER_ROUTE &&
      request.method === 'POST' &&
      (reply.statusCode === 200 || reply.statusCode === 409)
    ) {
      checks.inc({ source: 'register' })
      if (reply.statusCode === 409) failures.inc({ source: 'register' })
    }
  })

  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.contentType).send(await metrics.metrics())
  })
  return metrics
}
