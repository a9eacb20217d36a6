/** @jest-environment ./test/support/onnx-environment.ts */
// Chaos: each workflow (ingest, sweep, KPI rollup, retrain, report) is started and, at a point drawn from the seed,
// the worker is SIGKILLed, MariaDB crashes, or the Temporal dev server stops; the struck part comes back after a
// drawn downtime. Each run must end with its job completed and every count exact (scenarios.ts).
//   npm test              the short form: 15 runs, each workflow meets each fault once
//   npm run test:chaos    the full form: CHAOS_RUNS (default 30) runs; CHAOS_REPORT=file writes the outcome table
//   CHAOS_SEED=s CHAOS_ONLY=7   reproduces run 7 of seed s
import * as fs from 'node:fs';
import { outcomeTable, planRuns, type ChaosOutcome, type ChaosRun } from './chaos-runs';
import { ChaosSite, Plant, sleep } from './plant';
import { SCENARIOS } from './scenarios';

const describeMysql = process.env.TEST_MYSQL_URL ? describe : describe.skip;

const seed = process.env.CHAOS_SEED ?? 'him-mes';
const only = process.env.CHAOS_ONLY?.split(',').map(Number);
const runs: ChaosRun[] = planRuns(seed, Number(process.env.CHAOS_RUNS ?? 15)).filter((r) => !only || only.includes(r.n));

describeMysql(`chaos: ${runs.length} seeded runs (seed ${seed})`, () => {
  let site: ChaosSite;
  const outcomes: ChaosOutcome[] = [];

  beforeAll(async () => {
    site = await ChaosSite.start(runs);
  }, 120_000);

  afterAll(async () => {
    await site?.close();
    const table = outcomeTable(outcomes);
    console.log(`chaos, seed ${seed}:\n${table}`);
    if (process.env.CHAOS_REPORT) fs.writeFileSync(process.env.CHAOS_REPORT, `${table}\n`);
  }, 120_000);

  it.each(runs.map((r) => [`#${r.n} ${r.workflow} × ${r.fault} at ${r.at} of its span, down ${r.downMs} ms`, r] as const))(
    '%s',
    async (_name, run) => {
      const scenario = SCENARIOS[run.workflow];
      const plant = await Plant.open(site, run);
      const outcome: ChaosOutcome = { run, struckAtMs: 0, progressAtFault: '', recoveredMs: 0, status: 'not started', checks: '', answers: '' };
      outcomes.push(outcome);
      try {
        const start = await scenario.prepare(plant);
        const job = await start();
        const started = Date.now();
        await sleep(run.at * scenario.spanMs);
        outcome.progressAtFault = await plant.progress(job.workflowId);
        outcome.struckAtMs = Date.now() - started;
        await plant.strike(run.fault);
        const ended = await plant.finished(job.workflowId, 240_000);
        outcome.recoveredMs = Date.now() - started - outcome.struckAtMs;
        outcome.status = ended.status;
        outcome.checks = await scenario.verify(plant, job, ended);
        outcome.answers = plant.describeAnswers();
        const failures = [...plant.answers].filter(([status]) => status >= 500 && status !== 503);
        if (failures.length > 0)
          throw new Error(`the API answered ${failures.map(([s, n]) => `${s}×${n}`).join(' ')} during the run (503 is the answer while a dependency is down)`);
      } catch (err) {
        outcome.error = String(err instanceof Error ? err.message : err).split('\n')[0];
        console.error(`run ${run.n} failed; its workers printed:\n${plant.workerLogTail()}`);
        throw err;
      } finally {
        await plant.close();
      }
    },
    420_000,
  );
});
