/** Temporal namespaces created for the test run: suites that run at once must not share task queues. */
export const TEST_NAMESPACES = [
  'e2e-sqlite',
  'e2e-mysql',
  'readiness',
  'rate-limit',
  'ingest-mysql',
  'ingest-sqlite',
  'ingest-queued',
  'ingest-kill',
  'vibration',
  'retrain',
  'worker-signals',
  'sweep',
  'sweep-workflow',
  'sweep-kill',
  'lot-diagnosis',
  'anomalies',
  'kpi-sqlite',
  'kpi-mysql',
] as const;
export type TestNamespace = (typeof TEST_NAMESPACES)[number];
