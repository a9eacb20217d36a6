/**
 * Task queues. I/O work (workflows, ingest, audit retention, database rollups) and CPU work (training, inference,
 * report rendering) poll separate queues, each with its own concurrency, so a long training never takes the
 * slots or the event loop that ingest heartbeats need, and each can be scaled on its own (`worker-io`, `worker-ml`).
 */
export const TASK_QUEUES = {
  io: 'him-mes-io',
  cpu: 'him-mes-cpu',
} as const;

/** The short names configuration uses (`WORKER_QUEUES=io,cpu`). */
export type TaskQueueKind = keyof typeof TASK_QUEUES;
export const TASK_QUEUE_KINDS = Object.keys(TASK_QUEUES) as TaskQueueKind[];
export type TaskQueue = (typeof TASK_QUEUES)[TaskQueueKind];
