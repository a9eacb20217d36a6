// Trains the shipped TEP anomaly detector on the Braatz set: `node dist/apps/tools/src/train-tep-detector.js [dir]`
// (default ../shared/data/tep, read in place, never copied into the repository). Fitted on d00.dat only, threshold
// set so that 5 % of d00_te.dat alarms — exactly as eval-tep does; the fault test files only measure it, beside
// the PCA T²+SPE baseline fitted and calibrated the same way in the same run. Writes data/models/tep-detector/v1.onnx
// (one self-contained graph, preprocessing in its metadata) and v1.json (metrics), then checks that the written file,
// driven by its own metadata, reproduces the TypeScript scores on d01_te.dat. Detection delay: rows (× 3 min) from the
// onset (row 160) to the first alarm at or after it, as the Braatz README defines it; beside it the delay to the first
// of 3 consecutive alarms, which a lone false alarm right after the onset cannot fake.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { REPO_ROOT } from '@him/config';
import {
  calibratePcaMonitor,
  calibrateTepDetector,
  DEFAULT_TEP_DETECTOR,
  evaluateTepDetection,
  featureDistributionMetadata,
  fitPcaMonitor,
  fitTepDetector,
  loadOnnxModel,
  MAX_MODEL_BYTES,
  pcaMonitorAlarms,
  readTepBenchmark,
  TEP_CONFIRMING_ALARMS,
  TEP_DETECTABLE_FAULTS,
  TEP_DETECTOR_NAME,
  TEP_FAULT_START,
  TEP_FAULTS,
  TEP_ONNX_TOLERANCE,
  tepDetectorAlarms,
  tepDetectorOnnx,
  tepDetectorSignature,
  tepFileName,
  tepOnnxAgreement,
  tepTagDistribution,
  type TepDetectionReport,
} from '@him/ml';

const VERSION = 1;
const TARGET_FAR = 0.05;
const PCA_EXPLAINED_VARIANCE = 0.9;
const CHECK_FAULT = 1;
const OUT_DIR = path.join(REPO_ROOT, 'data/models', TEP_DETECTOR_NAME);

const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)} %`;
const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** A detection report as the metrics file states it. */
function metricsOf(r: TepDetectionReport) {
  return {
    false_alarm_rate_d00_te: round(r.falseAlarmRate, 4),
    false_alarm_rate_fault_files_rows_0_159: round(r.falseAlarmRateBeforeFault, 4),
    detection_rate_rows_160_on: Object.fromEntries(TEP_FAULTS.map((f) => [`IDV(${f})`, round(r.detectionRates[f], 4)])),
    mean_detection_rate_18_faults: round(r.meanDetectionRate, 4),
    detection_delay_rows: Object.fromEntries(TEP_FAULTS.map((f) => [`IDV(${f})`, r.detectionDelays[f]])),
    [`detection_delay_rows_${TEP_CONFIRMING_ALARMS}_consecutive`]: Object.fromEntries(TEP_FAULTS.map((f) => [`IDV(${f})`, r.confirmedDetectionDelays[f]])),
  };
}

async function main(): Promise<void> {
  const bench = await readTepBenchmark(path.resolve(process.argv[2] ?? path.join(REPO_ROOT, '../shared/data/tep')));
  const { training, normalTest, faultTests } = bench;

  const began = performance.now();
  const detector = fitTepDetector([training], DEFAULT_TEP_DETECTOR);
  const fitSeconds = (performance.now() - began) / 1000;
  calibrateTepDetector(detector, [normalTest], TARGET_FAR);
  const seconds = (performance.now() - began) / 1000;

  const pca = fitPcaMonitor(training, PCA_EXPLAINED_VARIANCE);
  calibratePcaMonitor(pca, normalTest, TARGET_FAR);

  const ours = evaluateTepDetection(tepDetectorAlarms(detector), bench);
  const baseline = evaluateTepDetection(pcaMonitorAlarms(pca), bench);

  const dataDir = path.relative(REPO_ROOT, bench.dir);
  const bytes = tepDetectorOnnx(detector, {
    version: VERSION,
    metadata: {
      training_data: `${dataDir}/${tepFileName(0, false)} (${training.length} observations, normal operation)`,
      calibration_data: `${dataDir}/${tepFileName(0, true)} (${normalTest.length} observations): threshold at ${100 * TARGET_FAR} % false alarms`,
      // The sweep measures drift against the tags of the normal run it was fitted on.
      ...featureDistributionMetadata(tepTagDistribution([training])),
    },
  });
  const onnxFile = path.join(OUT_DIR, `v${VERSION}.onnx`);
  await fs.mkdir(OUT_DIR, { recursive: true });
  await fs.writeFile(onnxFile, bytes);

  // What a server would do: load the written file with the platform's signature and score from its metadata alone.
  const signature = tepDetectorSignature();
  const model = await loadOnnxModel(await fs.readFile(onnxFile), {
    maxBytes: MAX_MODEL_BYTES,
    expectInputs: signature.inputs,
    expectOutputs: signature.outputs,
  });
  const check = await tepOnnxAgreement(detector, model, faultTests.get(CHECK_FAULT)!);
  const worst = Math.max(...Object.values(check.maxRelativeDifference));
  const agrees = worst <= TEP_ONNX_TOLERANCE && check.alarmsDiffering === 0;

  const metrics = {
    name: TEP_DETECTOR_NAME,
    version: VERSION,
    training: {
      data: {
        dir: dataDir,
        fit: { file: tepFileName(0, false), observations: training.length },
        calibration: { file: tepFileName(0, true), observations: normalTest.length, false_alarm_rate: TARGET_FAR },
      },
      options: DEFAULT_TEP_DETECTOR,
      seconds: { fit: round(fitSeconds, 2), total: round(seconds, 2) },
    },
    threshold: detector.threshold,
    isolation_scale: detector.isolationScale,
    z_scale: detector.zScale,
    peak_scale: detector.peakScale,
    evaluation: {
      protocol:
        `dNN_te.dat: false alarms on rows 0–${TEP_FAULT_START - 1}, detection on rows ${TEP_FAULT_START}+; ` +
        `mean over the ${TEP_DETECTABLE_FAULTS.length} detectable faults (all but IDV 3, 9, 15); ` +
        `delay = rows from row ${TEP_FAULT_START} to the first alarm at or after it (× 3 min), null if none, ` +
        `and to the first of ${TEP_CONFIRMING_ALARMS} consecutive alarms`,
      ours: metricsOf(ours),
      pca_t2_spe: { components: pca.loadings.length, explained_variance: round(pca.explained, 4), ...metricsOf(baseline) },
    },
    onnx_check: {
      file: tepFileName(CHECK_FAULT, true),
      rows: check.rows,
      max_relative_difference: check.maxRelativeDifference,
      alarms_differing: check.alarmsDiffering,
      tolerance: TEP_ONNX_TOLERANCE,
    },
  };
  await fs.writeFile(path.join(OUT_DIR, `v${VERSION}.json`), `${JSON.stringify(metrics, null, 2)}\n`);

  console.log(`TEP data: ${bench.dir}`);
  console.log(
    `fitted on ${tepFileName(0, false)} (${training.length} rows) in ${seconds.toFixed(1)} s; ` +
      `threshold ${detector.threshold.toFixed(4)} at ${pct(TARGET_FAR)} false alarms on ${tepFileName(0, true)}`,
  );
  console.log('');
  const delays = (r: TepDetectionReport, f: number) => `${r.detectionDelays[f] ?? '–'} / ${r.confirmedDetectionDelays[f] ?? '–'}`.padStart(11);
  console.log(['fault'.padEnd(28), 'ours'.padStart(8), 'PCA T²+SPE'.padStart(11), 'delay ours'.padStart(11), 'delay PCA'.padStart(11)].join(' '));
  const line = (label: string, a: number, b: number, f?: number) =>
    console.log([label.padEnd(28), pct(a).padStart(8), pct(b).padStart(11), ...(f === undefined ? [] : [delays(ours, f), delays(baseline, f)])].join(' '));
  line('FAR d00_te', ours.falseAlarmRate, baseline.falseAlarmRate);
  line(`FAR fault files rows < ${TEP_FAULT_START}`, ours.falseAlarmRateBeforeFault, baseline.falseAlarmRateBeforeFault);
  for (const f of TEP_FAULTS) line(`IDV(${f})${TEP_DETECTABLE_FAULTS.includes(f) ? '' : ' *'}`, ours.detectionRates[f], baseline.detectionRates[f], f);
  line(`mean of ${TEP_DETECTABLE_FAULTS.length}`, ours.meanDetectionRate, baseline.meanDetectionRate);
  console.log(`* not in the mean; delay: rows (× 3 min) from row ${TEP_FAULT_START} to the first alarm / to the first of ${TEP_CONFIRMING_ALARMS} in a row`);
  console.log('');
  console.log(
    `ONNX (${path.relative(REPO_ROOT, onnxFile)}, ${bytes.length} bytes) vs TypeScript on ${check.rows} rows of ${tepFileName(CHECK_FAULT, true)}: ` +
      `max relative |Δ| = ${worst.toExponential(2)}, ${check.alarmsDiffering} alarm(s) differ → ${agrees ? 'OK' : 'MISMATCH'}`,
  );
  console.log(`wrote ${path.relative(REPO_ROOT, OUT_DIR)}/v${VERSION}.onnx and v${VERSION}.json`);
  if (!agrees) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
