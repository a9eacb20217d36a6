// `npm run eval:models [tep dir]`: scores the shipped models — the ONNX files a fresh start serves, run by ONNX
// Runtime exactly as the platform runs them — on data none of them was trained on:
//   - vibration classifier: held-out generated recordings, a week of captures and a ±5 % speed sweep from
//     generator seeds never used in training;
//   - TEP anomaly detector: detection per fault (rows 160+ of every dNN_te.dat) and false alarms (d00_te.dat, rows
//     0–159 of every test file), beside the classic PCA T²+SPE baseline fitted and calibrated in the same run;
//   - TEP fault identifier: which IDV fault each post-onset row of the 18 detectable faults' test files resembles;
//   - TEP LSTM predictor: fault probability and predicted-value error on the test files, beside persistence.
// Each model's bar is printed as MET or NOT MET; a bar not met fails the command.
// TEP data is read in place from ../shared/data/tep unless given; it is never copied into the repository.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '@him/config';
import {
  calibratePcaMonitor,
  classificationReport,
  evaluateTepDetection,
  evaluateTepIdentification,
  fitPcaMonitor,
  identifyTepRunOnnx,
  loadServableModel,
  pcaMonitorAlarms,
  predictWindows,
  readTepBenchmark,
  scoreTepRunOnnx,
  TEP_DETECTABLE_FAULTS,
  TEP_DETECTOR_NAME,
  TEP_FAULTS,
  TEP_IDENTIFIER_NAME,
  tepIdentifierConfusions,
  tepIdentifierPreprocessingFromModel,
  tepLstmFacts,
  tepFaultOnset,
  TEP_LSTM_NAME,
  tepFileName,
  evaluateTepLstm,
  lstmOnnxPredict,
  tepPreprocessingFromModel,
  VIBRATION_CLASSIFIER_NAME,
  type ForecastComparison,
  type LoadedOnnxModel,
  type TepBenchmark,
  type TepDetectionReport,
} from '@him/ml';
import { campaignCaptures, HELD_OUT_SENSORS, percent, printConfusion, recordingSet, scoreCaptures, speedSweepCaptures } from './evaluation/vibration';

const tepDir = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, '../shared/data/tep'));

/** The bars the models are held to (issue 13): the classifier on held-out recordings, the detector and the identifier on the test files. */
const BARS = { vibrationAccuracy: 0.99, tepMeanDetection: 0.9, tepFalseAlarms: 0.05, tepIdentification: 0.8 } as const;

function bar(title: string, met: boolean): void {
  console.log(`bar (${title}): ${met ? 'MET' : 'NOT MET'}`);
  if (!met) process.exitCode = 1;
}

/** The newest shipped version of a model, loaded and checked as the registry loads it. */
async function shipped(name: string): Promise<{ file: string; model: LoadedOnnxModel }> {
  const dir = path.join(REPO_ROOT, 'data', 'models', name);
  const version = Math.max(...fs.readdirSync(dir).map((f) => Number(/^v(\d+)\.onnx$/.exec(f)?.[1] ?? 0)));
  const file = path.join(dir, `v${version}.onnx`);
  return { file: path.relative(REPO_ROOT, file), model: await loadServableModel(name, fs.readFileSync(file)) };
}

async function vibrationClassifier(): Promise<void> {
  const { file, model } = await shipped(VIBRATION_CLASSIFIER_NAME);
  console.log(`## Vibration classifier (${file})\n`);
  const heldOut = recordingSet(HELD_OUT_SENSORS);
  const report = classificationReport(heldOut.labels, (await predictWindows(model.session, heldOut.features)).labels);
  console.log(`held-out generated recordings (sensor ${HELD_OUT_SENSORS.join(',')} of g1, g2; ${heldOut.count} windows): accuracy ${percent(report.accuracy)}`);
  printConfusion('confusion', report.confusion);
  bar(`≥ ${percent(BARS.vibrationAccuracy)} on held-out recordings`, report.accuracy >= BARS.vibrationAccuracy);
  for (const set of [campaignCaptures(), speedSweepCaptures()]) {
    const scored = await scoreCaptures(model.session, set);
    console.log(
      `\n${set.title}: ${scored.captures} captures at ${scored.speed_hz} Hz running speed, ${scored.sampling_rate_hz} Hz sampling: ` +
        `capture accuracy ${percent(scored.capture_accuracy)}, window accuracy ${percent(scored.window_accuracy)}`,
    );
    printConfusion('capture confusion', scored.capture_confusion);
  }
}

async function tepDetector(tep: TepBenchmark): Promise<void> {
  const { file, model } = await shipped(TEP_DETECTOR_NAME);
  const preprocessing = tepPreprocessingFromModel(model.metadata);
  console.log(`\n## TEP anomaly detector (${file}) vs PCA T²+SPE\n`);
  // ONNX Runtime is asynchronous; the benchmark asks run by run, so score every run first.
  const runs = [tep.normalTest, ...tep.faultTests.values()];
  const alarms = new Map<readonly (readonly number[])[], boolean[]>();
  for (const run of runs)
    alarms.set(
      run,
      Array.from((await scoreTepRunOnnx(model.session, preprocessing, run)).score, (s) => s > preprocessing.threshold),
    );
  const ours = evaluateTepDetection((run) => alarms.get(run)!, tep);

  // The baseline, fitted on the same training file and calibrated to the same false-alarm rate on d00_te.dat.
  const pca = fitPcaMonitor(tep.training, 0.9);
  calibratePcaMonitor(pca, tep.normalTest, preprocessing.falseAlarmRate);
  const baseline = evaluateTepDetection(pcaMonitorAlarms(pca), tep);

  const delay = (d: number | null) => (d === null ? '–' : String(d));
  const row = (label: string, pick: (r: TepDetectionReport) => number, delays?: (r: TepDetectionReport) => string) =>
    console.log(`| ${label} | ${percent(pick(baseline))} | ${percent(pick(ours))} |${delays ? ` ${delays(baseline)} | ${delays(ours)} |` : ' | |'}`);
  console.log(`| | PCA T²+SPE (${pca.loadings.length} components) | ours (z-score, peak, isolation forest) | delay PCA | delay ours |\n| --- | --- | --- | --- | --- |`);
  row('false alarms, d00_te.dat', (r) => r.falseAlarmRate);
  row('false alarms, rows 0–159 of dNN_te.dat', (r) => r.falseAlarmRateBeforeFault);
  for (const f of TEP_FAULTS) {
    row(
      `IDV(${f})${TEP_DETECTABLE_FAULTS.includes(f) ? '' : ' *'}`,
      (r) => r.detectionRates[f],
      (r) => `${delay(r.detectionDelays[f])} / ${delay(r.confirmedDetectionDelays[f])}`,
    );
  }
  row(`**mean of the ${TEP_DETECTABLE_FAULTS.length} detectable faults**`, (r) => r.meanDetectionRate);
  console.log('\n\\* IDV 3, 9 and 15 barely change the process and are left out of the mean, as in the literature.');
  console.log('Delay: rows (× 3 min) from the onset (row 160) to the first alarm / to the first of 3 alarms in a row.');
  const falseAlarmsHeld = ours.falseAlarmRate <= BARS.tepFalseAlarms + 1e-9;
  bar(`beat the baseline at ≤ ${percent(BARS.tepFalseAlarms)} false alarms on d00_te.dat`, falseAlarmsHeld && ours.meanDetectionRate > baseline.meanDetectionRate);
  bar(
    `mean detection ≥ ${percent(BARS.tepMeanDetection)} at ≤ ${percent(BARS.tepFalseAlarms)} false alarms on d00_te.dat`,
    falseAlarmsHeld && ours.meanDetectionRate >= BARS.tepMeanDetection,
  );
}

async function tepIdentifier(tep: TepBenchmark): Promise<void> {
  const { file, model } = await shipped(TEP_IDENTIFIER_NAME);
  const preprocessing = tepIdentifierPreprocessingFromModel(model.metadata);
  console.log(`\n## TEP fault identifier (${file}): which fault a run's rows from the onset on resemble\n`);
  const runs = new Map(preprocessing.faults.map((f) => [f, tep.faultTests.get(f)!]));
  const report = await evaluateTepIdentification(async (run) => (await identifyTepRunOnnx(model.session, preprocessing, run)).probabilities, runs);
  const confusions = tepIdentifierConfusions(report, 3 * preprocessing.faults.length);
  console.log('| fault | rows | top-1 | top-3 | most often named instead |\n| --- | --- | --- | --- | --- |');
  for (const f of preprocessing.faults) {
    const instead = confusions
      .filter((c) => c.fault === f)
      .slice(0, 2)
      .map((c) => `IDV(${c.predicted}) ${percent(c.share)}`)
      .join(', ');
    console.log(`| IDV(${f}) | ${report.rows[f]} | ${percent(report.perFault[f])} | ${percent(report.top3PerFault[f])} | ${instead || '–'} |`);
  }
  console.log(`| **macro (${preprocessing.faults.length} faults)** | | **${percent(report.macroAccuracy)}** | **${percent(report.macroTop3Accuracy)}** | |`);
  bar(
    `macro accuracy ≥ ${percent(BARS.tepIdentification)} over rows 160–959 of the ${preprocessing.faults.length} detectable faults' test files`,
    report.macroAccuracy >= BARS.tepIdentification,
  );
}

async function tepLstm(tep: TepBenchmark): Promise<void> {
  const { file, model } = await shipped(TEP_LSTM_NAME);
  const facts = tepLstmFacts(model.metadata.properties);
  const tag = model.metadata.properties.target_tag;
  console.log(`\n## TEP LSTM predictor (${file}): fault probability and ${tag} ${facts.horizon} steps ahead, from ${facts.steps} observations\n`);
  // The test runs only: the model was trained on d00.dat and the dNN.dat training runs.
  const runs = [{ name: tepFileName(0, true), fault: 0, onset: 0, observations: tep.normalTest }].concat(
    [...tep.faultTests].map(([fault, observations]) => ({ name: tepFileName(fault, true), fault, onset: tepFaultOnset(tepFileName(fault, true)), observations })),
  );
  const report = await evaluateTepLstm(runs, lstmOnnxPredict(model.session, { ...facts, inputSize: tep.normalTest[0].length }), facts);
  console.log(
    `fault probability ≥ ${report.threshold}: accuracy ${percent(report.accuracyDetectable)} over d00_te and the 18 detectable faults (${percent(report.accuracy)} with IDV 3, 9, 15); ` +
      `false alarms ${percent(report.falseAlarmRate.normalRuns)} on d00_te.dat, ${percent(report.falseAlarmRate.faultRunsBeforeOnset)} on rows 0–159; ` +
      `mean detection ${percent(report.meanDetectionRate)} over the 18 detectable faults`,
  );
  const table = (title: string, f: ForecastComparison) => {
    console.log(`\n${tag} forecast, ${title} (${f.sequences} sequences): RMSE LSTM / persistence (last value)`);
    console.log(`| step | LSTM RMSE | persistence RMSE | LSTM MAE | persistence MAE |\n| --- | --- | --- | --- | --- |`);
    f.lstm.rmse.forEach((_, j) =>
      console.log(`| t+${j + 1} | ${f.lstm.rmse[j].toFixed(3)} | ${f.persistence.rmse[j].toFixed(3)} | ${f.lstm.mae[j].toFixed(3)} | ${f.persistence.mae[j].toFixed(3)} |`),
    );
  };
  table('d00_te.dat', report.forecast.normalRuns);
  table('fault test runs, rows 160+', report.forecast.faultRunsAfterOnset);
}

async function main(): Promise<void> {
  await vibrationClassifier();
  if (!fs.existsSync(tepDir)) {
    console.log(`\nno TEP data at ${tepDir}: the TEP models are not evaluated`);
    return;
  }
  const tep = await readTepBenchmark(tepDir);
  await tepDetector(tep);
  await tepIdentifier(tep);
  await tepLstm(tep);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
