import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics, served at GET /metrics. One registry per app instance (tests build several).
 * Names are a contract with dashboards and alerts: add, never rename.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    httpRequests: new Counter({
      name: 'loyalty_http_requests_total',
      help: 'HTTP requests answered, by method, route and status code.',
      labelNames: ['method', 'route', 'status_code'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'loyalty_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route.',
      labelNames: ['method', 'route'] as const,
      buckets: latencyBuckets,
      registers: [registry],
    }),
    pushEvents: new Counter({
      name: 'loyalty_sync_push_events_total',
      help: 'Events received by push, by result (accepted, duplicate, rejected).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    pushBatches: new Counter({
      name: 'loyalty_sync_push_batches_total',
      help: 'Push requests, by outcome (applied, seq_gap, forbidden, unauthorized, invalid, busy, error).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    pushDuration: new Histogram({
      name: 'loyalty_sync_push_duration_seconds',
      help: 'Time to apply one push batch in the database.',
      buckets: latencyBuckets,
      registers: [registry],
    }),
    pushBatchSize: new Histogram({
      name: 'loyalty_sync_push_batch_events',
      help: 'Events per push request.',
      buckets: [0, 1, 10, 50, 100, 250, 500],
      registers: [registry],
    }),
    pushInProgress: new Gauge({
      name: 'loyalty_sync_push_in_progress',
      help: 'Push requests admitted and not yet answered (at most PUSH_CONCURRENCY).',
      registers: [registry],
    }),
    pushWaiting: new Gauge({
      name: 'loyalty_sync_push_waiting',
      help: 'Push requests waiting for admission, their bodies not read yet.',
      registers: [registry],
    }),
    pullChanges: new Counter({
      name: 'loyalty_sync_pull_changes_total',
      help: 'Changes sent to tills by pull.',
      registers: [registry],
    }),
    feedSetsCompacted: new Counter({
      name: 'loyalty_feed_sets_compacted_total',
      help: 'Change sets removed from the pull feed because each of their customers has a newer one.',
      registers: [registry],
    }),
    pullResets: new Counter({
      name: 'loyalty_sync_pull_resets_total',
      help: 'Pulls answered "re-snapshot" (unknown, foreign or future cursor).',
      registers: [registry],
    }),
    flagsRaised: new Counter({
      name: 'loyalty_flags_raised_total',
      help: 'Flags raised by push, by kind (overdrawn, rule_mismatch, clock_skew).',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    pointsExpired: new Counter({
      name: 'loyalty_points_expired_total',
      help: 'Points taken off balances by the expiry job.',
      registers: [registry],
    }),
    expiryCustomers: new Counter({
      name: 'loyalty_expiry_customers_total',
      help: 'Customers who had points expire (one points.expired event each).',
      registers: [registry],
    }),
    expiryRuns: new Counter({
      name: 'loyalty_expiry_runs_total',
      help: 'Runs of the expiry job, by trigger (schedule, admin) and outcome (ok, error).',
      labelNames: ['trigger', 'outcome'] as const,
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'loyalty_auth_failures_total',
      help: 'Requests refused for a missing, unknown or revoked token, by kind (device, admin).',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
