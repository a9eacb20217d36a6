import { AUDIT_RETENTION_JOB, INGEST_JOB, RETRAIN_JOB } from '@him/contracts';

/** Every job type the API can start; each has a `POST /jobs/<type>` route. */
export const JOB_TYPES = [AUDIT_RETENTION_JOB, INGEST_JOB, RETRAIN_JOB] as const;
export type JobType = (typeof JOB_TYPES)[number];
