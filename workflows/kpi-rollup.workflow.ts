import { ApplicationFailure } from '@temporalio/workflow';
import type { KpiRollupInput, KpiRollupResult } from '@him/contracts';

// PLACEHOLDER while the KPI rollup is built (issue 9): replaced before it lands.
export async function kpiRollup(input: KpiRollupInput): Promise<KpiRollupResult> {
  throw ApplicationFailure.nonRetryable(`the KPI rollup ${input.from}..${input.to} is not built yet`);
}
