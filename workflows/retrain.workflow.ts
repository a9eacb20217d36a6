import { CancellationScope, log, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { decidePromotion, describeDriftTrigger, PROMOTION_MARGIN, progressQuery, TASK_QUEUES, type JobProgress, type RetrainInput, type RetrainResult } from '@him/contracts';
import type { RetrainActivities } from '../activities/retrain/retrain.activities';

// Registering and promoting are database and file work; building the set, training and scoring are CPU work.
const quick = proxyActivities<RetrainActivities>({
  taskQueue: TASK_QUEUES.io,
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 10, maximumInterval: '10 seconds' },
});
// Reading the set and training heartbeat as they go; a worker that dies is noticed within the heartbeat timeout.
const long = proxyActivities<RetrainActivities>({
  taskQueue: TASK_QUEUES.cpu,
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 5, maximumInterval: '30 seconds' },
});

/**
 * Retrain: training set from the database (files, split by recording or run) → challenger → both models scored on
 * the same held-out data → registered as a candidate → promoted by the policy (in `auto`, only if it wins by the margin).
 * The training files go when the job ends, whether it succeeded, failed or was cancelled.
 */
export async function retrainModel(input: RetrainInput): Promise<RetrainResult> {
  try {
    return await retrain(input);
  } finally {
    // A failed removal only leaves files behind until the next run of this workflow id removes them.
    await CancellationScope.nonCancellable(() => quick.removeTrainingFiles.executeWithOptions({ summary: 'remove training files' }, [])).catch((err) =>
      log.warn('training files not removed', { error: String(err) }),
    );
  }
}

async function retrain(input: RetrainInput): Promise<RetrainResult> {
  const progress: JobProgress = { phase: 'building training set', done: 0, total: 5, unit: 'steps' };
  setHandler(progressQuery, () => progress);
  // Each run keeps its own training set and challenger (BLOB_DIR/training/<workflow id>/<run id>).
  const jobId = `${workflowInfo().workflowId}/${workflowInfo().runId}`;
  const model = input.model;
  // The Web UI shows the phase as the run's current details: `step 2/5 · training vibration-classifier (60 epochs)`.
  const step = (phase: string, details: string) => {
    Object.assign(progress, { phase, done: progress.done + 1 });
    setCurrentDetails(`step ${progress.done + 1}/${progress.total} · ${details}`);
  };
  // A retrain the sweep started for drift says why from its first step on (its summary says it too).
  const why = input.trigger ? ` · started for ${describeDriftTrigger(input.trigger)}` : '';
  setCurrentDetails(`step 1/${progress.total} · building the ${model} training set from the database${why}`);

  const set = await long.buildTrainingSet.executeWithOptions({ summary: `build ${model} training set` }, [model, jobId]);
  step('training', `training ${model} on ${set.train.samples} ${set.unit}${input.epochs ? ` (${input.epochs} epochs)` : ''}`);
  const challenger = await long.trainChallenger.executeWithOptions({ summary: `train ${model} challenger` }, [model, jobId, set.dir, input.epochs]);
  step('evaluating', `scoring challenger and active ${model} on ${set.held_out.samples} held-out ${set.unit}`);
  const evaluation = await long.evaluateChallenger.executeWithOptions({ summary: `evaluate ${model} challenger vs champion` }, [model, set.dir, challenger.file]);
  step('registering', `registering the ${model} challenger`);
  const version = await quick.registerChallenger.executeWithOptions({ summary: `register ${model} challenger` }, [model, set, challenger, evaluation, input.requestedBy]);
  const decision = decidePromotion(input.promote, evaluation);
  step(decision.promote ? 'promoting' : 'done', decision.promote ? `promoting ${model} ${version}` : `done · ${model} ${version} kept as candidate`);
  if (decision.promote) await quick.promoteModelVersion.executeWithOptions({ summary: `promote ${model} ${version}` }, [model, version]);
  Object.assign(progress, { phase: 'done', done: progress.total, message: decision.reason });
  setCurrentDetails(`done · ${model} ${version} ${decision.promote ? 'promoted' : 'not promoted'}: ${decision.reason}`);
  return {
    model: input.model,
    version,
    promoted: decision.promote,
    decision: decision.reason,
    policy: input.promote,
    margin: PROMOTION_MARGIN,
    challenger: evaluation.challenger,
    champion: evaluation.champion,
    training: { unit: set.unit, train_samples: set.train.samples, held_out_samples: set.held_out.samples, seconds: challenger.seconds, ...challenger.training },
    data_window: set.data_window,
    ...(input.trigger ? { trigger: input.trigger } : {}),
  };
}
