import * as fs from 'node:fs';
import * as path from 'node:path';

/** Recorded histories of every workflow type, replayed against the current code by `workflow-replay.spec.ts`. */
export const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

/** `<workflow type>.history.pb` → the workflow type. */
export const historyFiles = (): { workflowType: string; file: string }[] =>
  fs
    .readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.history.pb'))
    .sort()
    .map((f) => ({ workflowType: f.replace(/\.history\.pb$/, ''), file: path.join(HISTORIES_DIR, f) }));
