import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { ApplicationFailure, CancelledFailure, cancellationSignal, heartbeat } from '@temporalio/activity';
import * as ort from 'onnxruntime-node';
import { AppConfig } from '@him/config';
import {
  NOT_ENOUGH_DATA,
  type ChallengerFile,
  type Evaluation,
  type HeldOutScore,
  type RetrainableModel,
  type TrainingSet,
} from '@him/contracts';
import { ModelStatus } from '@him/db';
import { classificationReport, predictWindows, vibrationClassifierOnnx, vibrationClassifierTraining, type LabelledWindows } from '@him/ml';
import { ModelRegistry, ServedModels, sha256 } from '@him/registry';
import { buildVibrationTrainingSet, readWindows } from './vibration-training-set';

const CHALLENGER_FILE = 'challenger.onnx';

/**
 * Activities of the retrain workflow. The training set and the challenger live in the file store under
 * BLOB_DIR/training/<job id>; only paths and figures pass through Temporal, so any worker can run any step.
 */
@Injectable()
export class RetrainActivities {
  constructor(
    private readonly orm: MikroORM,
    private readonly config: AppConfig,
    private readonly registry: ModelRegistry,
    private readonly models: ServedModels,
  ) {}

  /** Reads the labelled recordings from the database into train and held-out files, split by whole recording. */
  async buildTrainingSet(model: RetrainableModel, jobId: string): Promise<TrainingSet> {
    const dir = path.join(this.config.blobDir, 'training', jobId);
    await fs.rm(dir, { recursive: true, force: true });
    const set = await buildVibrationTrainingSet(this.orm.em.fork(), dir, (done, total) => heartbeat({ recordings: done, of: total }));
    if (!set) {
      throw ApplicationFailure.create({
        type: NOT_ENOUGH_DATA,
        nonRetryable: true,
        message: `${model}: the database needs at least two vibration recordings with complete windows (one to train on, one to hold out)`,
      });
    }
    await fs.writeFile(path.join(dir, 'training-set.json'), `${JSON.stringify(set, null, 2)}\n`);
    return set;
  }

  /** Trains the challenger on the training split, heartbeating every epoch, and writes its ONNX file beside the set. */
  async trainChallenger(model: RetrainableModel, jobId: string, dir: string, epochs?: number): Promise<ChallengerFile> {
    const began = performance.now();
    const train = await readWindows(path.join(dir, 'train'));
    const training = vibrationClassifierTraining(train, { epochs });
    const signal = cancellationSignal();
    let step = training.next();
    while (!step.done) {
      heartbeat(step.value);
      // Yield so the heartbeat goes out and a cancellation can come in.
      await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted) throw new CancelledFailure(`${model} training cancelled at epoch ${step.value.epoch}`);
      step = training.next();
    }
    const trained = step.value;
    // Version 0: the registry numbers versions when it registers the file.
    const bytes = vibrationClassifierOnnx(trained, { version: 0, metadata: { training_job: jobId } });
    const file = path.join(dir, CHALLENGER_FILE);
    await fs.writeFile(file, bytes);
    return {
      file,
      checksum: sha256(bytes),
      epochs: trained.lossByEpoch.length,
      final_loss: trained.lossByEpoch[trained.lossByEpoch.length - 1],
      seconds: (performance.now() - began) / 1000,
    };
  }

  /** Scores the challenger and the active version on the same held-out windows. */
  async evaluateChallenger(model: RetrainableModel, dir: string, challengerFile: string): Promise<Evaluation> {
    const heldOut = await readWindows(path.join(dir, 'held-out'));
    const challenger = await ort.InferenceSession.create(await fs.readFile(challengerFile));
    try {
      const active = await this.registry.active(model);
      return {
        challenger: await score(challenger, heldOut),
        champion: active ? { version: active.version, score: await score((await this.models.load(active)).session, heldOut) } : null,
      };
    } finally {
      await challenger.release();
    }
  }

  /** Registers the challenger as a candidate with its figures; a retry after a crash finds the same version. */
  async registerChallenger(model: RetrainableModel, set: TrainingSet, challenger: ChallengerFile, evaluation: Evaluation, requestedBy?: string): Promise<number> {
    const bytes = await fs.readFile(challenger.file);
    const version = await this.registry.register(model, bytes, {
      metrics: {
        held_out_accuracy: evaluation.challenger.accuracy,
        held_out_confusion: evaluation.challenger.confusion,
        held_out_windows: evaluation.challenger.windows,
        champion: evaluation.champion && { version: evaluation.champion.version, held_out_accuracy: evaluation.champion.score.accuracy },
        training: { windows: set.train.windows, epochs: challenger.epochs, final_loss: challenger.final_loss, seconds: challenger.seconds },
      },
      trainingWindow: { ...set.data_window, train_recordings: set.train.recordings, held_out_recordings: set.held_out.recordings, artifacts: set.dir },
      createdBy: requestedBy ? `retrain (${requestedBy})` : 'retrain',
    });
    return version.version;
  }

  /** Makes the version active; already active (a retried call) is success. */
  async promoteModelVersion(model: RetrainableModel, version: number): Promise<void> {
    if ((await this.registry.get(model, version)).status === ModelStatus.Active) return;
    await this.registry.promote(model, version);
  }
}

async function score(session: ort.InferenceSession, heldOut: LabelledWindows): Promise<HeldOutScore> {
  const { labels } = await predictWindows(session, heldOut.features);
  return { ...classificationReport(heldOut.labels, labels), windows: heldOut.count };
}
