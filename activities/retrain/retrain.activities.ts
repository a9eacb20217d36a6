import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Injectable } from '@nestjs/common';
import { activityInfo, CancelledFailure, cancellationSignal, heartbeat } from '@temporalio/activity';
import { AppConfig } from '@him/config';
import { InvalidInputError, NotEnoughDataError, type ChallengerFile, type Evaluation, type RetrainableModel, type TrainingSet } from '@him/contracts';
import { LotRepository, ModelStatus, ProcessValueRepository, VibrationDataRepository } from '@him/db';
import { loadServableModel } from '@him/ml';
import { ModelRegistry, ServedModels, sha256 } from '@him/registry';
import { TRAINERS } from './trainers';
import { Activity } from '../activity.decorator';

const CHALLENGER_FILE = 'challenger.onnx';

/** A path under BLOB_DIR/training; anything else (a workflow started by hand with `..` in its id, say) is refused. */
function insideTraining(blobDir: string, ...parts: string[]): string {
  const root = path.join(blobDir, 'training');
  const resolved = path.resolve(root, ...parts);
  if (!resolved.startsWith(root + path.sep)) throw new InvalidInputError(`${path.join(...parts)} is not inside the training files`);
  return resolved;
}

/**
 * Activities of the retrain workflow, the same for every model (its trainer knows the model). The training set and
 * the challenger live in the file store under BLOB_DIR/training/<workflow id>/<run id> while the job runs (the
 * registered version gets its own copy of the challenger); only paths and figures pass through Temporal, so any
 * worker can run any step.
 */
@Injectable()
export class RetrainActivities {
  constructor(
    private readonly vibration: VibrationDataRepository,
    private readonly lots: LotRepository,
    private readonly processValues: ProcessValueRepository,
    private readonly config: AppConfig,
    private readonly registry: ModelRegistry,
    private readonly models: ServedModels,
  ) {}

  /** Reads the model's data from the database into train and held-out files that share no recording or run. */
  @Activity({ queue: 'cpu' })
  async buildTrainingSet(model: RetrainableModel, jobId: string): Promise<TrainingSet> {
    const trainer = TRAINERS[model];
    const dir = insideTraining(this.config.blobDir, jobId);
    await fs.rm(dir, { recursive: true, force: true });
    const set = await trainer.buildTrainingSet({ vibration: this.vibration, lots: this.lots, processValues: this.processValues }, dir, (done, total) =>
      heartbeat({ read: done, of: total }),
    );
    if (!set) throw new NotEnoughDataError(`${model}: the database needs ${trainer.needs}`);
    const written = { dir, ...set };
    await fs.writeFile(path.join(dir, 'training-set.json'), `${JSON.stringify(written, null, 2)}\n`);
    return written;
  }

  /** Trains the challenger on the training side, heartbeating as it goes, and writes its ONNX file beside the set. */
  @Activity({ queue: 'cpu' })
  async trainChallenger(model: RetrainableModel, jobId: string, dir: string, epochs?: number): Promise<ChallengerFile> {
    const began = performance.now();
    const signal = cancellationSignal();
    insideTraining(this.config.blobDir, dir);
    const trained = await TRAINERS[model].train(dir, { jobId, epochs }, async (details) => {
      heartbeat(details);
      // Yield so the heartbeat goes out and a cancellation can come in.
      await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted) throw new CancelledFailure(`${model} training cancelled`);
    });
    const file = path.join(dir, CHALLENGER_FILE);
    await fs.writeFile(file, trained.bytes);
    return { file, checksum: sha256(trained.bytes), seconds: (performance.now() - began) / 1000, training: trained.training };
  }

  /** Scores the challenger and the active version on the same held-out data. */
  @Activity({ queue: 'cpu' })
  async evaluateChallenger(model: RetrainableModel, dir: string, challengerFile: string): Promise<Evaluation> {
    const trainer = TRAINERS[model];
    insideTraining(this.config.blobDir, dir);
    const challenger = await loadServableModel(model, await fs.readFile(insideTraining(this.config.blobDir, challengerFile)));
    try {
      const active = await this.registry.active(model);
      const challengerScore = await trainer.score(challenger, dir);
      // Each scoring (seconds on the TEP test runs) gets its own heartbeat timeout.
      heartbeat({ scored: 'challenger' });
      return {
        challenger: challengerScore,
        champion: active ? { version: active.version, score: await this.models.withVersion(active, (champion) => trainer.score(champion, dir)) } : null,
      };
    } finally {
      await challenger.session.release();
    }
  }

  /** Registers the challenger as a candidate with its figures; a retry after a crash finds the same version. */
  @Activity()
  async registerChallenger(model: RetrainableModel, set: TrainingSet, challenger: ChallengerFile, evaluation: Evaluation, requestedBy?: string): Promise<number> {
    const version = await this.registry.register(model, await fs.readFile(insideTraining(this.config.blobDir, challenger.file)), {
      metrics: {
        held_out: evaluation.challenger,
        champion: evaluation.champion && { version: evaluation.champion.version, held_out: evaluation.champion.score },
        training: { unit: set.unit, samples: set.train.samples, seconds: challenger.seconds, ...challenger.training },
      },
      trainingWindow: { ...set.data_window, train: set.train.parts, held_out: set.held_out.parts },
      createdBy: requestedBy ? `retrain (${requestedBy})` : 'retrain',
    });
    return version.version;
  }

  /**
   * Removes the training files of the calling workflow when its job ends, however it ends. All of them: one run of
   * a workflow id is open at a time, so what else lies there was left by earlier runs that were terminated.
   */
  @Activity()
  async removeTrainingFiles(): Promise<void> {
    const { workflowExecution } = activityInfo();
    if (workflowExecution) await fs.rm(insideTraining(this.config.blobDir, workflowExecution.workflowId), { recursive: true, force: true });
  }

  /** Makes the version active; already active (a retried call) is success. */
  @Activity()
  async promoteModelVersion(model: RetrainableModel, version: number): Promise<void> {
    if ((await this.registry.get(model, version)).status === ModelStatus.Active) return;
    await this.registry.promote(model, version);
  }
}
