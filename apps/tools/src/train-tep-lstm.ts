// Trains the TEP LSTM predictor (fault probability + reactor-pressure forecast) on the Braatz training files and
// measures the exported ONNX model on the test files: `node dist/apps/tools/src/train-tep-lstm.js [dir]`
// (default ../shared/data/tep, read in place, never copied into the repository).
// Training: d00.dat (normal) and dNN.dat for the 18 detectable faults. The training fault files start recording
// after the fault is introduced (the data README says so and d06.dat shows XMEAS(1) ≈ 0 from row 0), so all their
// sequences are labelled faulty. Test: d00_te.dat and all 21 dNN_te.dat, faulty from row 160.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { REPO_ROOT } from '@him/config';
import { FORMATS, TEP_SAMPLE_MS } from '@him/ingest';
import {
  DEFAULT_TEP_LSTM,
  evaluateTepLstm,
  loadOnnxModel,
  lstmOnnxPredict,
  lstmPredict,
  lstmPredictorSignature,
  MAX_MODEL_BYTES,
  TEP_DETECTABLE_FAULTS,
  TEP_FAULT_START,
  TEP_FAULTS,
  readTepFile,
  tepLstmFacts,
  tepFaultOnset,
  tepFileName,
  tepLstmOnnx,
  tepSequences,
  trainTepLstm,
  type ForecastComparison,
  type NamedTepRun,
} from '@him/ml';

const VERSION = 1;
const TARGET_DESCRIPTION = 'reactor pressure, kPa gauge';
const TAGS = FORMATS.tep.columns;
const SAMPLE_MINUTES = TEP_SAMPLE_MS / 60_000;
const OUT_DIR = path.join(REPO_ROOT, 'data/models/tep-lstm');

const dir = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, '../shared/data/tep'));

async function read(fault: number, test: boolean): Promise<NamedTepRun> {
  const name = tepFileName(fault, test);
  return { name, fault, onset: tepFaultOnset(name), observations: await readTepFile(dir, name) };
}

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);
const num = (x: number) => x.toFixed(3).padStart(8);
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const maxDiff = (a: Float64Array, b: Float64Array, relative: boolean) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / (relative ? Math.max(1, Math.abs(v)) : 1)), 0);

function printForecast(title: string, f: ForecastComparison): void {
  console.log(`${title} (${f.sequences} sequences)`);
  console.log('  step            LSTM RMSE  persistence RMSE   LSTM MAE  persistence MAE');
  f.lstm.rmse.forEach((_, j) => {
    const errors = [f.lstm.rmse[j], f.persistence.rmse[j], f.lstm.mae[j], f.persistence.mae[j]];
    console.log(`  t+${j + 1} (${(j + 1) * SAMPLE_MINUTES} min)`.padEnd(16) + errors.map((v, i) => num(v).padStart(i % 2 ? 18 : 11)).join(''));
  });
}

async function main(): Promise<void> {
  const training = await Promise.all([0, ...TEP_DETECTABLE_FAULTS].map((f) => read(f, false)));
  const test = await Promise.all([0, ...TEP_FAULTS].map((f) => read(f, true)));
  const leftOut = TEP_FAULTS.filter((f) => !TEP_DETECTABLE_FAULTS.includes(f));

  const began = performance.now();
  const trained = trainTepLstm(training, DEFAULT_TEP_LSTM);
  const seconds = (performance.now() - began) / 1000;
  const { model } = trained;
  const bytes = tepLstmOnnx(model, {
    version: VERSION,
    metadata: {
      training_data: `Braatz TEP ${training.map((r) => r.name).join(' ')} (every row of the fault files faulty)`,
      target_description: TARGET_DESCRIPTION,
    },
  });

  // Evaluate the shipped artefact as a caller would: loaded with its signature, facts read from its metadata.
  const signature = lstmPredictorSignature(model);
  const { session, metadata } = await loadOnnxModel(bytes, {
    maxBytes: MAX_MODEL_BYTES,
    expectInputs: signature.inputs,
    expectOutputs: signature.outputs,
  });
  const facts = tepLstmFacts(metadata.properties);
  const evaluation = await evaluateTepLstm(test, lstmOnnxPredict(session, model), facts);

  // The exported graph must compute what the TypeScript forward pass computes.
  const check = tepSequences([test[1]], facts);
  const ts = lstmPredict(model, check.sequences);
  const onnx = await lstmOnnxPredict(session, model)(check.sequences);
  const probabilityDiff = maxDiff(ts.faultProbability, onnx.faultProbability, false);
  const valueDiff = maxDiff(ts.predictedValue, onnx.predictedValue, true);

  const metrics = {
    name: 'tep-lstm',
    version: VERSION,
    inputs: { tags: TAGS, steps: model.steps, sample_interval_minutes: SAMPLE_MINUTES },
    target: { index: model.targetIndex, tag: TAGS[model.targetIndex], description: TARGET_DESCRIPTION, horizon: model.horizon },
    training: {
      data: {
        dir: path.relative(REPO_ROOT, dir),
        files: training.map((r) => r.name),
        left_out: leftOut.map((f) => `${tepFileName(f, false)} (IDV ${f}: barely changes the process)`),
        labels: 'd00.dat normal; every sequence of a dNN.dat faulty (the files start after the fault is introduced)',
        standardisation: 'mean and std of d00.dat, folded into the graph',
        sequences: trained.sequences,
      },
      options: trained.options,
      loss_by_epoch: trained.lossByEpoch.map((l) => round(l, 5)),
      seconds: round(seconds),
    },
    evaluation: { data: { files: test.map((r) => r.name), fault_onset_row: TEP_FAULT_START }, ...evaluation },
    onnx_vs_typescript: {
      file: test[1].name,
      sequences: check.count,
      max_abs_diff_probability: probabilityDiff,
      max_rel_diff_predicted_value: valueDiff,
    },
  };
  await fs.mkdir(OUT_DIR, { recursive: true });
  await fs.writeFile(path.join(OUT_DIR, `v${VERSION}.onnx`), bytes);
  await fs.writeFile(path.join(OUT_DIR, `v${VERSION}.json`), `${JSON.stringify(metrics, null, 2)}\n`);

  const losses = trained.lossByEpoch;
  const { falseAlarmRate } = evaluation;
  console.log(`TEP data: ${dir}`);
  console.log(
    `trained on ${trained.sequences.normal} normal + ${trained.sequences.faulty} faulty sequences ` +
      `(T = ${model.steps}, hidden ${model.hiddenSize}, ${losses.length} epochs) in ${seconds.toFixed(1)} s; ` +
      `loss ${losses[0].toFixed(4)} → ${losses[losses.length - 1].toFixed(4)}`,
  );
  console.log(`forecast: ${TAGS[model.targetIndex]} (${TARGET_DESCRIPTION}), t+1 … t+${model.horizon} (${model.horizon * SAMPLE_MINUTES} min)`);
  console.log('');
  console.log(`fault probability ≥ ${evaluation.threshold} on ${evaluation.sequences} test sequences:`);
  console.log(`  accuracy ${pct(evaluation.accuracy)} (all runs), ${pct(evaluation.accuracyDetectable)} (without IDV ${leftOut.join(', ')})`);
  console.log(`  false alarms ${pct(falseAlarmRate.normalRuns)} on d00_te, ` + `${pct(falseAlarmRate.faultRunsBeforeOnset)} on rows < ${TEP_FAULT_START} of the fault files`);
  console.log(`  detection ${pct(evaluation.meanDetectionRate)} (mean over the ${TEP_DETECTABLE_FAULTS.length} detectable faults, rows ≥ ${TEP_FAULT_START})`);
  console.log('');
  console.log('run              alarms  delay min   RMSE t+1 LSTM / persistence   RMSE t+H LSTM / persistence');
  for (const r of evaluation.runs) {
    const f = r.forecast;
    const h = f.lstm.rmse.length - 1;
    const alarms = pct(r.fault === 0 ? r.falseAlarmRate : r.detectionRate).padStart(8);
    const delay = String(r.detectionDelayMinutes ?? '–').padStart(11);
    const rmse = (j: number) => `${num(f.lstm.rmse[j])} / ${num(f.persistence.rmse[j])}`;
    console.log(`${r.name.padEnd(12)}${leftOut.includes(r.fault) ? ' *' : '  '} ${alarms}${delay}        ${rmse(0)}        ${rmse(h)}`);
  }
  console.log(`(alarms: false-alarm rate for d00_te, detection rate on rows ≥ ${TEP_FAULT_START} otherwise; * not in the mean)`);
  console.log('');
  printForecast('forecast on d00_te', evaluation.forecast.normalRuns);
  printForecast(`forecast on the fault files, rows ≥ ${TEP_FAULT_START}`, evaluation.forecast.faultRunsAfterOnset);
  console.log('');
  console.log(
    `ONNX vs TypeScript on ${check.count} sequences of ${test[1].name}: max |Δ probability| = ${probabilityDiff.toExponential(2)}, ` +
      `max relative Δ value = ${valueDiff.toExponential(2)}`,
  );
  console.log(`wrote ${path.relative(REPO_ROOT, OUT_DIR)}/v${VERSION}.onnx (${bytes.length} bytes) and v${VERSION}.json`);
  if (probabilityDiff > 1e-5 || valueDiff > 1e-5) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
