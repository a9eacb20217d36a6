// The chaos suite's plan: which workflow meets which fault, when, and for how long, all drawn from a seed, so a run is
// reproduced by its seed (CHAOS_SEED) and its number (CHAOS_ONLY).
import { Random } from '@him/datagen';

export const WORKFLOWS = ['ingest', 'sweep', 'kpi-rollup', 'retrain', 'report'] as const;
export type ChaosWorkflow = (typeof WORKFLOWS)[number];

/** worker: SIGKILL the worker process; mariadb: SIGKILL MariaDB (a crash; InnoDB recovers); temporal: stop the dev server. */
export const FAULTS = ['worker-kill', 'mariadb-crash', 'temporal-restart'] as const;
export type ChaosFault = (typeof FAULTS)[number];

export interface ChaosRun {
  /** 1-based, in the order the suite runs them. */
  n: number;
  seed: string;
  workflow: ChaosWorkflow;
  fault: ChaosFault;
  /** Fraction of the workflow's usual span (measured without faults) at which the fault strikes. */
  at: number;
  /** How long the faulted part stays down before it is started again. */
  downMs: number;
}

/**
 * `count` runs: every workflow meets every fault once per round of 15 (so the short form, 15 runs, covers each pair
 * once); the point and the downtime of each run come from the seed and the run's number.
 */
export function planRuns(seed: string, count: number): ChaosRun[] {
  const pairs = WORKFLOWS.flatMap((workflow) => FAULTS.map((fault) => ({ workflow, fault })));
  return Array.from({ length: count }, (_, i) => {
    const random = new Random('chaos', seed, i + 1);
    return {
      n: i + 1,
      seed,
      ...pairs[i % pairs.length],
      at: Number(random.uniform(0.1, 0.9).toFixed(3)),
      downMs: Math.round(random.uniform(500, 3000)),
    };
  });
}

export interface ChaosOutcome {
  run: ChaosRun;
  /** Milliseconds after the start when the fault struck, and what the job reported just before. */
  struckAtMs: number;
  progressAtFault: string;
  /** From the fault to the job's end. */
  recoveredMs: number;
  status: string;
  checks: string;
  /** The API's answers to the run's polls by status, e.g. `200×41 503×6`. */
  answers: string;
  error?: string;
}

/** A markdown table of the outcomes, in run order. */
export function outcomeTable(outcomes: readonly ChaosOutcome[]): string {
  const rows = [...outcomes]
    .sort((a, b) => a.run.n - b.run.n)
    .map((o) =>
      [
        o.run.n,
        `${o.run.seed}/${o.run.n}`,
        o.run.workflow,
        o.run.fault,
        `${(o.struckAtMs / 1000).toFixed(1)} s (${o.progressAtFault})`,
        `${(o.run.downMs / 1000).toFixed(1)} s`,
        `${(o.recoveredMs / 1000).toFixed(1)} s`,
        o.error ? `**${o.status}**: ${o.error}` : o.status,
        o.answers,
        o.checks,
      ].join(' | '),
    );
  return [
    '| # | seed/run | workflow | fault | struck at (job progress) | down for | fault → job end | outcome | API answers to the polls | checks (all exact) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}
