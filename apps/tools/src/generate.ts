// Demo data generator: `npm run generate -- <command> [options]`. Same seed → byte-identical files.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '@him/config';
import {
  CaptureCampaign,
  DEMO_MACHINES,
  FaultType,
  recordingFileName,
  RecordingSpec,
  scriptedFaultHistory,
  writeCaptures,
  WrittenCaptures,
  writeRecording,
  WrittenFile,
  writeTepRun,
  writeTepSample,
} from '@him/datagen';

const USAGE = `usage: generate <command> [options]   (relative paths resolve from the repository root)
  recordings [--out data/generated/recordings] [--machines 2] [--sensors 4] [--seconds 140] [--seed 42] [--header]
  captures   [--out data/generated/captures] [--days 7] [--start 2026-11-01] [--sensors 1] [--every-hours 1]
             [--seconds 2] [--seed 7] [--surge 2026-11-04,2026-11-05] [--header]
  tep-sample [--out data/samples/tep] [--rows 40] [--seed 3]
  demo       [--out data/demo] [--days 14] [--end YYYY-MM-DD (default today, UTC)]
             the demo plant npm start loads: g1–g5 captures every 6 h with the scripted fault history and its
             truth, and two TEP-shaped lots (one normal, one with a step disturbance from row 160)
  samples    rewrite the small committed samples under data/samples/`;

type Options = Partial<Record<string, string | boolean>>;

function text(options: Options, name: string, fallback: string): string {
  const value = options[name];
  return typeof value === 'string' ? value : fallback;
}

function positiveNumber(options: Options, name: string, fallback: number): number {
  const raw = text(options, name, String(fallback));
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a positive number, got '${raw}'`);
  return value;
}

function positiveInteger(options: Options, name: string, fallback: number): number {
  const value = positiveNumber(options, name, fallback);
  if (!Number.isInteger(value)) throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  return value;
}

function utcDay(raw: string, name: string): Date {
  const date = new Date(`${raw}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(date.getTime())) throw new UsageError(`--${name} must be a date YYYY-MM-DD, got '${raw}'`);
  return date;
}

class UsageError extends Error {}

const outDir = (options: Options, fallback: string): string => path.resolve(REPO_ROOT, text(options, 'out', fallback));
/** Paths inside the repository are shown relative to it. */
function shown(file: string): string {
  const relative = path.relative(REPO_ROOT, file);
  return relative.startsWith('..') ? file : relative;
}

const formatCount = (n: number): string => n.toLocaleString('en-US');

async function recordings(specs: RecordingSpec[], dir: string): Promise<WrittenFile[]> {
  const written: WrittenFile[] = [];
  for (const spec of specs) {
    const file = await writeRecording(path.join(dir, recordingFileName(spec.machine, spec.sensor)), spec);
    console.log(`${shown(file.path)}  ${formatCount(file.rows)} rows  ${formatCount(file.bytes)} bytes`);
    written.push(file);
  }
  return written;
}

function reportCaptures(dir: string, result: WrittenCaptures): void {
  console.log(`${shown(dir)}  ${result.files} captures  ${formatCount(result.rows)} rows  ${formatCount(result.bytes)} bytes`);
  console.log(`${shown(result.truthFile)}  truth`);
}

async function tepSample(dir: string, rows: number, seed: string): Promise<void> {
  const file = path.join(dir, 'tep_sample.dat');
  const transposedFile = path.join(dir, 'tep_sample_transposed.dat');
  const written = await writeTepSample(file, transposedFile, rows, seed);
  console.log(`${shown(file)}  ${written.rows} × 52  ${formatCount(written.bytes)} bytes`);
  console.log(`${shown(transposedFile)}  52 × ${written.rows}  ${formatCount(written.transposedBytes)} bytes`);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      machines: { type: 'string' },
      sensors: { type: 'string' },
      seconds: { type: 'string' },
      seed: { type: 'string' },
      header: { type: 'boolean' },
      days: { type: 'string' },
      start: { type: 'string' },
      'every-hours': { type: 'string' },
      surge: { type: 'string' },
      rows: { type: 'string' },
      end: { type: 'string' },
    },
  });
  const started = Date.now();
  switch (positionals[0]) {
    case 'recordings': {
      const machines = positiveInteger(values, 'machines', 2);
      const sensors = positiveInteger(values, 'sensors', 4);
      const specs: RecordingSpec[] = [];
      for (let machine = 1; machine <= machines; machine++) {
        for (let sensor = 1; sensor <= sensors; sensor++) {
          specs.push({ machine, sensor, seed: text(values, 'seed', '42'), seconds: positiveNumber(values, 'seconds', 140), header: values.header === true });
        }
      }
      const written = await recordings(specs, outDir(values, 'data/generated/recordings'));
      const rows = written.reduce((sum, f) => sum + f.rows, 0);
      const bytes = written.reduce((sum, f) => sum + f.bytes, 0);
      console.log(`total  ${written.length} files  ${formatCount(rows)} rows  ${formatCount(bytes)} bytes  ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    case 'captures': {
      const start = utcDay(text(values, 'start', '2026-11-01'), 'start');
      const surge = typeof values.surge === 'string' ? values.surge.split(',').map((day) => utcDay(day, 'surge').toISOString().slice(0, 10)) : undefined;
      const campaign: CaptureCampaign = {
        start,
        days: positiveInteger(values, 'days', 7),
        everyHours: positiveNumber(values, 'every-hours', 1),
        machines: DEMO_MACHINES,
        sensorsPerMachine: positiveInteger(values, 'sensors', 1),
        seconds: positiveNumber(values, 'seconds', 2),
        seed: text(values, 'seed', '7'),
        history: scriptedFaultHistory(start, surge),
        header: values.header === true,
      };
      const dir = outDir(values, 'data/generated/captures');
      reportCaptures(dir, await writeCaptures(dir, campaign));
      console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    case 'demo': {
      const days = positiveInteger(values, 'days', 14);
      const end = utcDay(text(values, 'end', new Date().toISOString().slice(0, 10)), 'end');
      const start = new Date(end.getTime() - days * 86_400_000);
      const dir = outDir(values, 'data/demo');
      const campaign: CaptureCampaign = {
        start,
        days,
        everyHours: 6,
        machines: DEMO_MACHINES,
        sensorsPerMachine: 1,
        seconds: 2,
        seed: 'demo',
        history: scriptedFaultHistory(start),
      };
      reportCaptures(path.join(dir, 'captures'), await writeCaptures(path.join(dir, 'captures'), campaign));
      // 480 observations = 24 h at 3 min. Lot B: reactor temperature (XMEAS 9) and cooling water outlet (XMEAS 21) step up, as in IDV 4.
      const lots = path.join(dir, 'tep');
      const normal = await writeTepRun(path.join(lots, 'demo_lot_a.dat'), 480, 'demo-a');
      const disturbed = await writeTepRun(path.join(lots, 'demo_lot_b.dat'), 480, 'demo-b', {
        fromRow: 160,
        shifts: [
          { column: 8, sigmas: 4 },
          { column: 20, sigmas: 5 },
        ],
      });
      console.log(`${shown(lots)}  demo_lot_a.dat ${formatCount(normal)} bytes, demo_lot_b.dat ${formatCount(disturbed)} bytes`);
      return;
    }
    case 'tep-sample':
      await tepSample(outDir(values, 'data/samples/tep'), positiveInteger(values, 'rows', 40), text(values, 'seed', '3'));
      return;
    case 'samples': {
      const samples = path.join(REPO_ROOT, 'data', 'samples');
      // Steady state only, a few seconds each: small enough to commit, same layout as the full recordings.
      await recordings(
        [
          { machine: 1, sensor: 1, seed: '42', seconds: 3, startupSeconds: 0 },
          { machine: 2, sensor: 2, seed: '42', seconds: 2, startupSeconds: 0, header: true },
        ],
        path.join(samples, 'vibration'),
      );
      // One day, every condition: g2–g4 are faulty from the first capture, g5 has its surge that day.
      const start = new Date('2026-11-01T00:00:00Z');
      const captures = path.join(samples, 'captures');
      const result = await writeCaptures(captures, {
        start,
        days: 1,
        everyHours: 6,
        machines: DEMO_MACHINES,
        sensorsPerMachine: 1,
        seconds: 2,
        seed: '7',
        history: {
          onsets: [
            { machine: 2, from: start, faultType: FaultType.Unbalance },
            { machine: 3, from: start, faultType: FaultType.Looseness },
            { machine: 4, from: start, faultType: FaultType.UnbalanceLooseness },
          ],
          surges: [{ machine: 5, date: '2026-11-01', faultShare: 0.6 }],
        },
      });
      reportCaptures(captures, result);
      await tepSample(path.join(samples, 'tep'), 40, '3');
      return;
    }
    default:
      throw new UsageError(positionals[0] ? `unknown command '${positionals[0]}'` : 'no command');
  }
}

main().catch((err: unknown) => {
  // parseArgs rejects unknown or malformed options with ERR_PARSE_ARGS_* codes: those are usage errors too.
  const usage = err instanceof UsageError || String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  console.error(usage ? `${(err as Error).message}\n${USAGE}` : err);
  process.exit(usage ? 2 : 1);
});
