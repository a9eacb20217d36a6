/** Job type `kpi-rollup`: recompute the KPIs of each equipment and day, and of the lots, over a date range. */
export const KPI_ROLLUP_JOB = 'kpi-rollup';

export interface KpiRollupInput {
  /** First and last UTC day (YYYY-MM-DD), inclusive. */
  from: string;
  to: string;
  requestedBy?: string;
}

export interface KpiRollupResult {
  from: string;
  to: string;
  days: number;
  equipment_days: number;
  lots: number;
}
