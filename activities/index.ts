import { AuditRetentionActivities } from './audit/audit-retention.activities';

export { AuditRetentionActivities };

/** Every injectable class whose public methods are Temporal activities. */
export const ACTIVITY_CLASSES = [AuditRetentionActivities] as const;
