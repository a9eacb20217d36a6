import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { evaluateTepLstm, lstmOnnxPredict, runPausing, TEP_DETECTABLE_FAULTS, tepLstmFacts, tepLstmOnnx, tepLstmTraining, type NamedTepRun } from '@him/ml';
import type { ModelTrainer } from './model-trainer';
import { readJson, readLabelledRuns, runPart, runsWindow, type FaultRun } from './tep-runs';

const named = (runs: FaultRun[]): NamedTepRun[] => runs.map(({ name, fault, onset, observations }) => ({ name, fault, onset, observations }));
const count = (runs: FaultRun[]) => runs.reduce((n, r) => n + r.observations.length, 0);

/**
 * The TEP LSTM predictor. Training set: the TEP runs in the database, split by whole run as the Braatz set is —
 * training runs (d00, dNN) to train on, test runs (d00_te, dNN_te) held out. IDV 3, 9 and 15 barely change the
 * process and would only teach the model to call normal operation a fault, so they are not trained on. The score is
 * the accuracy of the fault probability (≥ 0.5) over the held-out sequences of normal and detectable-fault runs; the
 * forecast error beside persistence is kept with it.
 */
export const tepLstmTrainer: ModelTrainer = {
  needs: 'normal operation among the TEP training runs (d00.dat) and held-out test runs (names ending _te, e.g. d00_te.dat)',

  async buildTrainingSet(sources, dir, progress) {
    const { runs, rows } = await readLabelledRuns(sources, progress);
    const heldOut = runs.filter((r) => r.name.endsWith('_te'));
    const train = runs.filter((r) => !r.name.endsWith('_te') && (r.fault === 0 || TEP_DETECTABLE_FAULTS.includes(r.fault)));
    if (!train.some((r) => r.fault === 0) || heldOut.length === 0) return null;
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'train.json'), JSON.stringify(train));
    await fs.writeFile(path.join(dir, 'held-out.json'), JSON.stringify(heldOut));
    return {
      unit: 'observations',
      train: { parts: train.map(runPart), samples: count(train) },
      held_out: { parts: heldOut.map(runPart), samples: count(heldOut) },
      data_window: runsWindow(runs, rows),
    };
  },

  async train(dir, options, progress) {
    const runs = named(await readJson<FaultRun[]>(path.join(dir, 'train.json')));
    // Absent means the shipped setting: an `epochs: undefined` would override the default.
    const training = tepLstmTraining(runs, options.epochs === undefined ? {} : { epochs: options.epochs });
    const { model, lossByEpoch } = await runPausing(training, (p) => progress({ ...p }));
    return {
      bytes: tepLstmOnnx(model, { version: 0, metadata: { training_job: options.jobId } }),
      training: { epochs: lossByEpoch.length, final_loss: lossByEpoch[lossByEpoch.length - 1] },
    };
  },

  async score(model, dir) {
    const runs = named(await readJson<FaultRun[]>(path.join(dir, 'held-out.json')));
    const facts = tepLstmFacts(model.metadata.properties);
    const report = await evaluateTepLstm(runs, lstmOnnxPredict(model.session, { ...facts, inputSize: runs[0].observations[0].length }), facts);
    return {
      metric: 'fault accuracy',
      score: report.accuracyDetectable,
      samples: report.sequences,
      details: {
        false_alarm_rate: report.falseAlarmRate.normalRuns,
        mean_detection_rate: report.meanDetectionRate,
        // Per forecast step, beside persistence (the last value): during normal operation and after fault onsets.
        forecast_rmse: Object.fromEntries(
          Object.entries(report.forecast).map(([runs, f]) => [runs, { lstm: f.lstm.rmse, persistence: f.persistence.rmse, sequences: f.sequences }]),
        ),
      },
    };
  },
};
