// Stand-ins for the schedules' workflows, registered under the same names by the schedule tests' own worker, so a
// run lasts until the test releases it (to overlap runs on purpose) and does nothing else.
import { condition, defineSignal, setHandler, workflowInfo } from '@temporalio/workflow';
import type { SweepInput } from '@him/contracts';

export const releaseSignal = defineSignal('release');

export async function diagnosisSweep(input: SweepInput): Promise<{ workflowId: string; timezone?: string }> {
  let released = false;
  setHandler(releaseSignal, () => void (released = true));
  await condition(() => released);
  return { workflowId: workflowInfo().workflowId, timezone: input.timezone };
}
