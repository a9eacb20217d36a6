// Evaluates the TEP anomaly detector beside the classic PCA T² + SPE baseline on the Braatz set:
// `npm run eval:tep [dir]` (default ../shared/data/tep, read in place, never copied into the repository).
// Both are fitted on d00.dat (normal training run) only; each gets one alarm threshold, chosen so that 5 % of
// d00_te.dat alarms. The fault test files serve only to measure: false alarms on rows 0–159, detection on 160–959.
import * as path from 'node:path';
import { REPO_ROOT } from '@him/config';
import { FORMATS } from '@him/ingest';
import {
  calibratePcaMonitor,
  calibrateTepDetector,
  DEFAULT_TEP_DETECTOR,
  evaluateTepDetection,
  fitPcaMonitor,
  fitTepDetector,
  loadOnnxModel,
  MAX_MODEL_BYTES,
  pcaMonitorAlarms,
  readTepBenchmark,
  scoreTepRun,
  TEP_CONFIRMING_ALARMS,
  TEP_DETECTABLE_FAULTS,
  TEP_FAULT_START,
  TEP_FAULTS,
  TEP_ONNX_TOLERANCE,
  tepDetectorAlarms,
  tepDetectorOnnx,
  tepDetectorSignature,
  tepOnnxAgreement,
  topTags,
  type TepAlarms,
} from '@him/ml';

const TARGET_FAR = 0.05;

const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)} %`;

async function main(): Promise<void> {
  const bench = await readTepBenchmark(path.resolve(process.argv[2] ?? path.join(REPO_ROOT, '../shared/data/tep')));
  const { training, normalTest, faultTests } = bench;

  const pca = fitPcaMonitor(training, 0.9);
  calibratePcaMonitor(pca, normalTest, TARGET_FAR);
  const detector = fitTepDetector([training], DEFAULT_TEP_DETECTOR);
  calibrateTepDetector(detector, [normalTest], TARGET_FAR);

  // The components alone, each at its own 5 % threshold on d00_te (its calibrated scale), show what each adds.
  const isoAlarms: TepAlarms = (run) => Array.from(scoreTepRun(detector, run).isolation, (s) => s > detector.isolationScale);
  const zAlarms: TepAlarms = (run) => Array.from(scoreTepRun(detector, run).zscore, (s) => s > detector.zScale);
  const peakAlarms: TepAlarms = (run) => Array.from(scoreTepRun(detector, run).peak, (s) => s > detector.peakScale);

  const detectors = [
    { name: 'PCA T²+SPE', alarms: pcaMonitorAlarms(pca) },
    { name: 'ours', alarms: tepDetectorAlarms(detector) },
    { name: 'IF alone', alarms: isoAlarms },
    { name: 'z alone', alarms: zAlarms },
    { name: 'peak alone', alarms: peakAlarms },
  ];
  const reports = detectors.map((d) => evaluateTepDetection(d.alarms, bench));

  console.log(`TEP data: ${bench.dir}`);
  console.log(`PCA: ${pca.loadings.length} components, ${(100 * pca.explained).toFixed(1)} % of the standardised variance`);
  console.log(
    `Ours: ${detector.forest.featureCount} features (value, hold-aware difference, rolling mean and std over ${detector.shortWindow} ` +
      `and over ${detector.window} observations); z-score (mean square), peak (max |z|) and isolation forest (${detector.forest.trees.length} trees, ` +
      `ψ = ${detector.forest.subsample}) of them; alarm if any exceeds`,
  );
  console.log('');
  console.log(['fault'.padEnd(14), ...detectors.map((d) => d.name.padStart(12))].join(' '));
  const rows = [
    { label: 'FAR d00_te', values: reports.map((r) => r.falseAlarmRate) },
    { label: 'FAR rows<160', values: reports.map((r) => r.falseAlarmRateBeforeFault) },
    ...TEP_FAULTS.map((f) => ({ label: `IDV(${f})${TEP_DETECTABLE_FAULTS.includes(f) ? '' : ' *'}`, values: reports.map((r) => r.detectionRates[f]) })),
    { label: 'mean of 18', values: reports.map((r) => r.meanDetectionRate) },
  ];
  for (const r of rows) console.log([r.label.padEnd(14), ...r.values.map((v) => pct(v).padStart(12))].join(' '));
  console.log('* not in the mean (IDV 3, 9, 15)');

  const [pcaReport, ours] = reports;
  console.log('');
  console.log(`Detection delay, rows (× 3 min) from row ${TEP_FAULT_START} to the first alarm / to the first of ${TEP_CONFIRMING_ALARMS} in a row (– = none):`);
  console.log(['fault'.padEnd(14), 'PCA T²+SPE'.padStart(12), 'ours'.padStart(12)].join(' '));
  const delay = (r: (typeof reports)[number], f: number) => `${r.detectionDelays[f] ?? '–'} / ${r.confirmedDetectionDelays[f] ?? '–'}`.padStart(12);
  for (const f of TEP_FAULTS) console.log([`IDV(${f})${TEP_DETECTABLE_FAULTS.includes(f) ? '' : ' *'}`.padEnd(14), delay(pcaReport, f), delay(ours, f)].join(' '));
  console.log('');
  console.log(
    `bar: ours ${pct(ours.meanDetectionRate)} vs PCA ${pct(pcaReport.meanDetectionRate)} at ${pct(ours.falseAlarmRate)} false alarms on d00_te → ` +
      (ours.meanDetectionRate > pcaReport.meanDetectionRate && ours.falseAlarmRate <= TARGET_FAR ? 'MET' : 'NOT MET'),
  );

  // An alarm names its tags: the first alarm after the fault in IDV(6) (A feed loss).
  const s6 = scoreTepRun(detector, faultTests.get(6)!);
  const first = s6.combined.findIndex((s, r) => r >= TEP_FAULT_START && s > detector.threshold);
  if (first >= 0) {
    const tags = topTags(s6.contributions[first], 3).map((k) => `${FORMATS.tep.columns[k]} (${s6.contributions[first][k].toFixed(1)})`);
    console.log(`IDV(6) first alarm at row ${first} (${(first - TEP_FAULT_START) * 3} min after onset): top tags ${tags.join(', ')}`);
  }

  // The exported detector must compute what the TypeScript detector computes.
  const signature = tepDetectorSignature();
  const model = await loadOnnxModel(tepDetectorOnnx(detector), {
    maxBytes: MAX_MODEL_BYTES,
    expectInputs: signature.inputs,
    expectOutputs: signature.outputs,
  });
  const check = await tepOnnxAgreement(detector, model, faultTests.get(1)!);
  const worst = Math.max(...Object.values(check.maxRelativeDifference));
  console.log(`ONNX vs TypeScript on ${check.rows} rows of d01_te: max relative |Δ| = ${worst.toExponential(2)}, ${check.alarmsDiffering} alarm(s) differ`);
  if (worst > TEP_ONNX_TOLERANCE || check.alarmsDiffering > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
