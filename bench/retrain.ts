/* `npm run bench:retrain`: a retrain of the vibration classifier on the full 1.5 M-row recording set, timed in one run as
 *   (a) the same training in-process, straight from the CSV files (read, window, features, fit, score), and
 *   (b) the retrain workflow end to end: POST /jobs/retrain → Temporal → worker reads the set from MySQL, trains,
 *       scores challenger and champion on the held-out recordings, registers — until the job reports completed.
 * The set is ingested first (not timed). Prints a Markdown table for docs/BENCHMARKS.md.
 * Env: DATABASE_URL (server; the bench uses its own database him_mes_bench), TEMPORAL_CLI.                          */
import * as fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { classificationReport, concatWindows, predictWindows, recordingWindows, trainVibrationClassifier, vibrationClassifierOnnx, type LabelledWindows } from '@him/ml';
import { isHeldOut } from '../activities/retrain/trainers/vibration-classifier.trainer';
import { BenchStack, freshDatabase, generateRecordings, machineLine, peakRssMb, type RecordingFile } from './stack';

/** Data rows of a recording CSV as numbers (the header, if any, skipped). */
function csvRows(file: string): number[][] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^[0-9.-]/.test(line))
    .map((line) => line.split(',').map(Number));
}

/** (a): what the workflow does, minus the database, Temporal and the file store. */
async function inProcess(files: RecordingFile[]): Promise<{ seconds: number; accuracy: number; trainWindows: number }> {
  const started = performance.now();
  // The files are in the same machine/sensor order as the workflow's recordings, so the split is the same.
  const parts = files.map((f, i) => ({ heldOut: isHeldOut(i, files.length), windows: recordingWindows(csvRows(f.file)) }));
  const pick = (heldOut: boolean): LabelledWindows => concatWindows(parts.filter((p) => p.heldOut === heldOut).map((p) => p.windows));
  const train = pick(false);
  const model = trainVibrationClassifier(train);
  const session = await ort.InferenceSession.create(vibrationClassifierOnnx(model, { version: 0 }));
  const heldOut = pick(true);
  const { accuracy } = classificationReport(heldOut.labels, (await predictWindows(session, heldOut.features)).labels);
  return { seconds: (performance.now() - started) / 1000, accuracy, trainWindows: train.count };
}

async function main(): Promise<void> {
  console.log('generating the recording set…');
  const files = await generateRecordings();
  const rows = files.reduce((a, f) => a + f.rows, 0);
  await freshDatabase();
  const stack = await BenchStack.start();
  try {
    console.log(`ingesting ${rows.toLocaleString('en')} rows…`);
    await Promise.all((await Promise.all(files.map((f) => stack.upload(f.file)))).map((id) => stack.result(id)));

    console.log('(a) in-process training from the CSV files…');
    const a = await inProcess(files);

    console.log('(b) retrain workflow through the API…');
    const started = performance.now();
    const result = await stack.result(await stack.startJob('retrain', { model: 'vibration-classifier', promote: 'never' }));
    const workflowSeconds = (performance.now() - started) / 1000;
    const rss = peakRssMb(stack.worker.pid!);

    const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
    const table = [
      `| What | Time | Held-out accuracy |`,
      `| --- | --- | --- |`,
      `| (a) in-process: CSV → windows → features → fit (${a.trainWindows.toLocaleString('en')} windows) → score | ${a.seconds.toFixed(1)} s | ${pct(a.accuracy)} |`,
      `| (b) retrain workflow via the API: MySQL → training set files → fit (${result.training.seconds.toFixed(1)} s) → challenger and champion scored → registered | ${workflowSeconds.toFixed(1)} s | ${pct(result.challenger.score)} (champion v${result.champion?.version} ${result.champion ? pct(result.champion.score.score) : '–'}) |`,
      `| ratio b/a | **${(workflowSeconds / a.seconds).toFixed(2)}** | |`,
      `| worker peak RSS (ingest of the set included) | ${rss.toFixed(0)} MB | |`,
    ].join('\n');
    console.log(
      `\n${files.length} recordings, ${rows.toLocaleString('en')} rows (${result.data_window.rows.toLocaleString('en')} read by the workflow) · ${machineLine()}\n\n${table}`,
    );
    console.log(`\ndecision: ${result.decision}`);
  } finally {
    stack.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
