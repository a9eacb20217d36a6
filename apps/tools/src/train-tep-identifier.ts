// Trains the shipped TEP fault identifier on the Braatz set: `node dist/apps/tools/src/train-tep-identifier.js [dir]`
// (default ../shared/data/tep, read in place, never copied into the repository). Trained on the training runs only:
// dNN.dat of the 18 detectable faults (every row is after the onset) behind stretches of d00.dat (normal operation,
// which also standardises the tags). The test files dNN_te.dat only measure it: rows 160–959 (after the onset), the
// share whose most probable class is the true fault, per fault and averaged over the 18. Writes
// data/models/tep-identifier/v1.onnx (one self-contained graph, preprocessing in its metadata) and v1.json (metrics),
// then checks that the written file, driven by its own metadata, reproduces the TypeScript probabilities.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { REPO_ROOT } from '@him/config';
import {
  DEFAULT_TEP_IDENTIFIER,
  evaluateTepIdentification,
  identifyTepRunOnnx,
  loadOnnxModel,
  MAX_MODEL_BYTES,
  readTepFile,
  TEP_FAULT_START,
  TEP_IDENTIFIER_FAULTS,
  TEP_IDENTIFIER_NAME,
  TEP_IDENTIFIER_ONNX_TOLERANCE,
  tepFileName,
  tepIdentifierConfusions,
  tepIdentifierFeatureCount,
  tepIdentifierFeatures,
  tepIdentifierHistory,
  tepIdentifierOnnx,
  tepIdentifierOnnxAgreement,
  tepIdentifierPreprocessingFromModel,
  tepIdentifierProbabilities,
  tepIdentifierSignature,
  trainTepIdentifier,
  type TepIdentificationReport,
} from '@him/ml';

const VERSION = 1;
const OUT_DIR = path.join(REPO_ROOT, 'data/models', TEP_IDENTIFIER_NAME);
/** Test rows 160–639 are 0–24 h after the onset, as long as the training runs; 640–959 (24–40 h) are further than any. */
const TRAINING_SPAN_END = TEP_FAULT_START + 480;

const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)} %`;
const round = (x: number, digits = 4) => Number(x.toFixed(digits));
const byFault = (r: Record<number, number>) => Object.fromEntries(TEP_IDENTIFIER_FAULTS.map((f) => [`IDV(${f})`, round(r[f])]));

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, '../shared/data/tep'));
  const read = (fault: number, test: boolean) => readTepFile(dir, tepFileName(fault, test));
  const normal = await read(0, false);
  const runs = await Promise.all(TEP_IDENTIFIER_FAULTS.map(async (fault) => ({ fault, observations: await read(fault, false) })));
  const tests = new Map<number, number[][]>();
  for (const f of TEP_IDENTIFIER_FAULTS) tests.set(f, await read(f, true));

  const began = performance.now();
  const model = trainTepIdentifier(runs, normal, DEFAULT_TEP_IDENTIFIER);
  const trainSeconds = (performance.now() - began) / 1000;

  const predict = (observations: readonly (readonly number[])[]) => tepIdentifierProbabilities(model, observations).probabilities;
  const all = await evaluateTepIdentification(predict, tests);
  // Features depend on past rows only, so cutting a run short leaves its earlier rows' probabilities as they were.
  const early = await evaluateTepIdentification(predict, new Map([...tests].map(([f, run]) => [f, run.slice(0, TRAINING_SPAN_END)])));
  const late = await evaluateTepIdentification(predict, tests, { from: TRAINING_SPAN_END });

  const dataDir = path.relative(REPO_ROOT, dir);
  const bytes = tepIdentifierOnnx(model, {
    version: VERSION,
    metadata: {
      training_data:
        `${dataDir}/dNN.dat for IDV ${TEP_IDENTIFIER_FAULTS.join(', ')} (all rows after the onset), each behind ` +
        `${DEFAULT_TEP_IDENTIFIER.normalHistory} rows of ${tepFileName(0, false)}, which also standardises the tags`,
      test_macro_accuracy: String(round(all.macroAccuracy)),
    },
  });
  const onnxFile = path.join(OUT_DIR, `v${VERSION}.onnx`);
  await fs.mkdir(OUT_DIR, { recursive: true });
  await fs.writeFile(onnxFile, bytes);

  // What a server would do: load the written file with the platform's signature and identify from its metadata alone.
  const signature = tepIdentifierSignature();
  const loaded = await loadOnnxModel(await fs.readFile(onnxFile), { maxBytes: MAX_MODEL_BYTES, expectInputs: signature.inputs, expectOutputs: signature.outputs });
  signature.checkMetadata?.(loaded.metadata);
  const preprocessing = tepIdentifierPreprocessingFromModel(loaded.metadata);
  let worst = 0;
  let labelsDiffering = 0;
  let checkedRows = 0;
  for (const run of tests.values()) {
    const a = await tepIdentifierOnnxAgreement(model, loaded, run);
    worst = Math.max(worst, a.maxAbsoluteDifference);
    labelsDiffering += a.labelsDiffering;
    checkedRows += a.rows;
  }
  const onnxReport = await evaluateTepIdentification(async (obs) => (await identifyTepRunOnnx(loaded.session, preprocessing, obs)).probabilities, tests);
  const agrees = worst <= TEP_IDENTIFIER_ONNX_TOLERANCE && labelsDiffering === 0;

  // Inference cost per row: features (TypeScript) and the graph (ONNX Runtime), over all 18 test runs.
  let featureMs = 0;
  let totalMs = 0;
  for (const run of tests.values()) {
    const t0 = performance.now();
    tepIdentifierFeatures(preprocessing, run);
    const t1 = performance.now();
    await identifyTepRunOnnx(loaded.session, preprocessing, run);
    featureMs += t1 - t0;
    totalMs += performance.now() - t1;
  }
  const inferenceMsPerRow = { features: featureMs / checkedRows, features_and_graph: totalMs / checkedRows };
  await loaded.session.release();

  const confusions = tepIdentifierConfusions(all, 12);
  const metricsOf = (r: TepIdentificationReport) => ({
    accuracy: byFault(r.perFault),
    macro_accuracy: round(r.macroAccuracy),
    top3_accuracy: byFault(r.top3PerFault),
    macro_top3_accuracy: round(r.macroTop3Accuracy),
  });
  const featureCount = tepIdentifierFeatureCount(model.spec, model.spec.standardiser.mean.length);
  const metrics = {
    name: TEP_IDENTIFIER_NAME,
    version: VERSION,
    classes: model.faults.map((f) => `IDV(${f})`),
    features: { count: featureCount, windows: model.spec.windows, history_rows: tepIdentifierHistory(model.spec), std_offset: model.spec.stdOffset },
    model: { layers: [featureCount, ...DEFAULT_TEP_IDENTIFIER.hiddenUnits, model.faults.length], onnx_bytes: bytes.length },
    training: {
      data: {
        dir: dataDir,
        fault_runs: TEP_IDENTIFIER_FAULTS.map((f) => tepFileName(f, false)),
        normal: tepFileName(0, false),
        labelled_rows: model.trainingRows,
      },
      options: DEFAULT_TEP_IDENTIFIER,
      final_loss: round(model.lossByEpoch[model.lossByEpoch.length - 1]),
      seconds: round(trainSeconds, 2),
    },
    evaluation: {
      protocol:
        `dNN_te.dat rows ${TEP_FAULT_START}–959 (after the onset) of the ${TEP_IDENTIFIER_FAULTS.length} faults: share of rows whose most ` +
        'probable class is the true fault, per fault and its mean over the faults (macro); top-3 likewise',
      all_rows: metricsOf(all),
      rows_160_639_within_training_span: metricsOf(early),
      rows_640_959_beyond_training_span: metricsOf(late),
      confusion: { classes: all.classes, rows_truth_columns_predicted: all.confusion },
      main_confusions: confusions.map((c) => ({ fault: c.fault, predicted: c.predicted, share: round(c.share) })),
    },
    onnx_check: {
      files: `${TEP_IDENTIFIER_FAULTS.length} test files`,
      rows: checkedRows,
      max_absolute_probability_difference: worst,
      labels_differing: labelsDiffering,
      tolerance: TEP_IDENTIFIER_ONNX_TOLERANCE,
      onnx_macro_accuracy: round(onnxReport.macroAccuracy),
    },
    inference_ms_per_row: { features: round(inferenceMsPerRow.features, 5), features_and_graph: round(inferenceMsPerRow.features_and_graph, 5) },
  };
  await fs.writeFile(path.join(OUT_DIR, `v${VERSION}.json`), `${JSON.stringify(metrics, null, 2)}\n`);

  console.log(`TEP data: ${dir}`);
  console.log(
    `trained on ${model.trainingRows} labelled rows (${TEP_IDENTIFIER_FAULTS.length} fault runs, mirrored copies of IDV ${DEFAULT_TEP_IDENTIFIER.mirroredFaults.join(', ')}) ` +
      `in ${trainSeconds.toFixed(1)} s; ${featureCount} features, history ${tepIdentifierHistory(model.spec)} rows`,
  );
  console.log('');
  console.log(['fault'.padEnd(10), 'top-1'.padStart(8), 'top-3'.padStart(8), '0–24 h'.padStart(8), '24–40 h'.padStart(8), '  most often taken for'].join(' '));
  for (const f of TEP_IDENTIFIER_FAULTS) {
    const i = all.classes.indexOf(f);
    const wrong = all.confusion[i]
      .map((count, j) => ({ predicted: all.classes[j], count }))
      .filter((c) => c.predicted !== f && c.count > 0)
      .sort((a, b) => b.count - a.count)
      .slice(0, 2)
      .map((c) => `IDV(${c.predicted}) ${pct(c.count / all.rows[f]).trim()}`)
      .join(', ');
    console.log(
      [
        `IDV(${f})`.padEnd(10),
        pct(all.perFault[f]).padStart(8),
        pct(all.top3PerFault[f]).padStart(8),
        pct(early.perFault[f]).padStart(8),
        pct(late.perFault[f]).padStart(8),
        `  ${wrong}`,
      ].join(' '),
    );
  }
  console.log(
    [
      'macro'.padEnd(10),
      pct(all.macroAccuracy).padStart(8),
      pct(all.macroTop3Accuracy).padStart(8),
      pct(early.macroAccuracy).padStart(8),
      pct(late.macroAccuracy).padStart(8),
    ].join(' '),
  );
  console.log('');
  console.log(`main confusions: ${confusions.map((c) => `IDV(${c.fault})→IDV(${c.predicted}) ${pct(c.share).trim()}`).join('; ')}`);
  console.log(
    `ONNX (${path.relative(REPO_ROOT, onnxFile)}, ${bytes.length} bytes) vs TypeScript on ${checkedRows} rows: max |Δp| = ${worst.toExponential(2)}, ` +
      `${labelsDiffering} label(s) differ, ONNX macro ${pct(onnxReport.macroAccuracy).trim()} → ${agrees ? 'OK' : 'MISMATCH'}`,
  );
  console.log(`inference: ${(1000 * inferenceMsPerRow.features_and_graph).toFixed(1)} µs per row (features ${(1000 * inferenceMsPerRow.features).toFixed(1)} µs)`);
  console.log(`wrote ${path.relative(REPO_ROOT, OUT_DIR)}/v${VERSION}.onnx and v${VERSION}.json`);
  if (!agrees) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
