import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { TEP_SAMPLE_MS } from '@him/ingest';
import {
  DEFAULT_TEP_DETECTOR,
  featureDistributionMetadata,
  runPausing,
  scoreTepRunOnnx,
  TEP_DETECTABLE_FAULTS,
  TEP_DETECTOR_NAME,
  tepDetectorCalibration,
  tepDetectorFitting,
  tepDetectorOnnx,
  tepPreprocessingFromModel,
  tepTagDistribution,
} from '@him/ml';
import type { ModelTrainer } from './model-trainer';
import { readJson, readLabelledRuns, runPart, runsWindow, type FaultRun, type Run } from './tep-runs';

/** The false-alarm rate the challenger's threshold is set to on held-out normal operation, as the shipped detector's. */
const FALSE_ALARM_RATE = 0.05;
/** With a single normal run, its first 60 % fit the detector and the rest is held out. */
const SINGLE_RUN_FIT_SHARE = 0.6;

interface HeldOut {
  normal: Run[];
  faults: FaultRun[];
}

/**
 * The TEP anomaly detector. Training set: the TEP runs (lots) in the database. Normal runs (fault label 0) are split
 * by whole run — the last third by code held out — or, with a single normal run, by time. The detector is fitted on
 * the training side only; its threshold is set to 5 % false alarms on the held-out normal operation, as the Braatz
 * protocol sets it on d00_te. Runs with a known fault are only ever scored: the score is the mean detection rate
 * over the detectable faults present (rows after the onset), at each model's own threshold.
 */
export const tepDetectorTrainer: ModelTrainer = {
  needs: 'normal TEP runs (fault label 0, e.g. d00.dat) and at least one run of a detectable fault (e.g. d01_te.dat)',

  async buildTrainingSet(sources, dir, progress) {
    const { runs, rows } = await readLabelledRuns(sources, progress);
    const normal = runs.filter((r) => r.fault === 0);
    const faults = runs.filter((r) => r.fault !== 0);
    if (normal.length === 0 || !faults.some((f) => TEP_DETECTABLE_FAULTS.includes(f.fault) && f.observations.length > f.onset)) return null;

    let fit: Run[];
    let heldOutNormal: Run[];
    if (normal.length > 1) {
      const heldOutCount = Math.max(1, Math.round(normal.length / 3));
      fit = normal.slice(0, normal.length - heldOutCount);
      heldOutNormal = normal.slice(normal.length - heldOutCount);
    } else {
      const [run] = normal;
      const cut = Math.floor(run.observations.length * SINGLE_RUN_FIT_SHARE);
      // The rolling features need a window's history: too short a run cannot be split.
      if (cut <= DEFAULT_TEP_DETECTOR.window || run.observations.length - cut <= DEFAULT_TEP_DETECTOR.window) return null;
      const slice = (first: number, observations: number[][]): Run => ({
        name: `${run.name} rows ${first}–${first + observations.length - 1}`,
        observations,
        from: new Date(Date.parse(run.from) + first * TEP_SAMPLE_MS).toISOString(),
        to: new Date(Date.parse(run.from) + (first + observations.length - 1) * TEP_SAMPLE_MS).toISOString(),
      });
      fit = [slice(0, run.observations.slice(0, cut))];
      heldOutNormal = [slice(cut, run.observations.slice(cut))];
    }
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'train.json'), JSON.stringify(fit));
    await fs.writeFile(path.join(dir, 'held-out.json'), JSON.stringify({ normal: heldOutNormal, faults } satisfies HeldOut));
    const count = (parts: Run[]) => parts.reduce((n, r) => n + r.observations.length, 0);
    return {
      unit: 'observations',
      train: { parts: fit.map(runPart), samples: count(fit) },
      held_out: { parts: [...heldOutNormal, ...faults].map(runPart), samples: count(heldOutNormal) + count(faults) },
      data_window: runsWindow(runs, rows),
    };
  },

  async train(dir, options, progress) {
    const fit = await readJson<Run[]>(path.join(dir, 'train.json'));
    const heldOut = await readJson<HeldOut>(path.join(dir, 'held-out.json'));
    const detector = await runPausing(
      tepDetectorFitting(
        fit.map((r) => r.observations),
        DEFAULT_TEP_DETECTOR,
      ),
      (p) => progress({ phase: 'fitting', ...p }),
    );
    await runPausing(
      tepDetectorCalibration(
        detector,
        heldOut.normal.map((r) => r.observations),
        FALSE_ALARM_RATE,
      ),
      (p) => progress({ phase: 'calibrating', ...p }),
    );
    return {
      bytes: tepDetectorOnnx(detector, {
        name: TEP_DETECTOR_NAME,
        version: 0,
        // The sweep measures drift against the tags of the normal runs it was fitted on.
        metadata: { training_job: options.jobId, ...featureDistributionMetadata(tepTagDistribution(fit.map((r) => r.observations))) },
      }),
      training: { threshold: detector.threshold, trees: detector.forest.trees.length },
    };
  },

  async score(model, dir) {
    const heldOut = await readJson<HeldOut>(path.join(dir, 'held-out.json'));
    const preprocessing = tepPreprocessingFromModel(model.metadata);
    const alarms = async (run: Run) => Array.from((await scoreTepRunOnnx(model.session, preprocessing, run.observations)).score, (s) => s > preprocessing.threshold);
    const rate = (a: boolean[]) => a.filter(Boolean).length / Math.max(1, a.length);
    const normalAlarms = (await Promise.all(heldOut.normal.map(alarms))).flat();
    const detection: Record<string, number> = {};
    for (const run of heldOut.faults) detection[run.name] = rate((await alarms(run)).slice(run.onset));
    const detectable = heldOut.faults.filter((r) => TEP_DETECTABLE_FAULTS.includes(r.fault));
    return {
      metric: 'mean detection rate',
      score: detectable.reduce((s, r) => s + detection[r.name], 0) / detectable.length,
      samples: normalAlarms.length + heldOut.faults.reduce((n, r) => n + r.observations.length, 0),
      details: { false_alarm_rate: rate(normalAlarms), detection_rates: detection, detectable_runs: detectable.map((r) => r.name) },
    };
  },
};
