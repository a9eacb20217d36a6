import { ApplicationFailure } from '@temporalio/workflow';
import type { SweepInput, SweepResult } from '@him/contracts';

// PLACEHOLDER while the sweep is built (issue 9): replaced before it lands.
export async function diagnosisSweep(input: SweepInput): Promise<SweepResult> {
  throw ApplicationFailure.nonRetryable(`the diagnosis sweep for ${input.day} is not built yet`);
}
