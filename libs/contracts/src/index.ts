// Shared by the API, the worker and workflow code: keep it free of Node built-ins, the ORM and I/O.
export * from './task-queues';
export * from './jobs';
export * from './audit-retention';
export * from './errors';
export * from './failures';
export * from './job-catalogue';
export * from './ingest';
export * from './retrain';
export * from './drift';
export * from './sweep';
export * from './kpi';
export * from './health-score';
export * from './anomaly-severity';
export * from './kpi-periods';
export * from './report';
export * from './tep-faults';
