// Replays the recorded history of every workflow type (test/fixtures/histories, `npm run record:histories`) against the
// workflow bundle of the current code, as a worker picking up a run in flight would. A change that would break runs in
// flight — a command added, removed or reordered without a `patched()` branch — fails here, in CI, before it reaches
// a worker. No server: the replay worker feeds the histories to the workflow code itself.
import * as fs from 'node:fs';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { JOB_CATALOGUE } from '@him/contracts';
import { historyFiles } from './workflow-histories';

describe('recorded workflow histories replay against the current code', () => {
  const recorded = historyFiles();

  it('has a history of every workflow type the job catalogue starts, and of nothing else', () => {
    const types = [...new Set(Object.values(JOB_CATALOGUE).map((j) => j.workflowType))].sort();
    expect(recorded.map((h) => h.workflowType)).toEqual(types);
  });

  it.each(recorded.map((h) => [h.workflowType, h.file]))('%s replays without a nondeterminism error', async (workflowType, file) => {
    const history = temporal.api.history.v1.History.decode(fs.readFileSync(file));
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.workflowType?.name).toBe(workflowType);
    const results: { workflowId: string; error?: unknown }[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! }, replayName: workflowType }, [
      { workflowId: `replay-${workflowType}`, history },
    ])) {
      results.push(result);
    }
    expect(results).toEqual([{ workflowId: `replay-${workflowType}`, runId: expect.any(String), error: undefined }]);
  });
});
