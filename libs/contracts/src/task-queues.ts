/** Task queues. Ingest and ML work may later get their own queues so they scale separately. */
export const TASK_QUEUES = {
  /** Orchestration and light database work. */
  main: 'him-mes-main',
} as const;

export type TaskQueue = (typeof TASK_QUEUES)[keyof typeof TASK_QUEUES];
