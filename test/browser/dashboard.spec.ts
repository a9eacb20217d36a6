/** @jest-environment ./test/support/onnx-environment.ts */
// The dashboard in a real browser: Debian's Chromium, driven by playwright-core, against the real stack (the API
// serving the built page, a worker, the Temporal dev server) on a demo plant loaded through the ingest workflow and
// diagnosed by a real sweep. Every page must load with no console error and no failed request; filters change the
// URL and the data; an upload is followed to its end; a report is generated and its bytes downloaded; a viewer sees no
// write control; a retrain started from the page is found in Temporal under the link the page shows.
// Screenshots at 1280 px go to SCREENSHOT_DIR (`npm run screenshots` writes docs/screenshots); the paint and
// waveform figures are printed for docs/BENCHMARKS.md, not asserted.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { captureChunks, captureFileName, captureRowCount, DEMO_MACHINES, recordingChunks, scriptedFaultHistory, writeCaptures, writeTepRun } from '@him/datagen';
import { launchChromium, PageProblems, settled } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { ADMIN_KEY, TestStack } from '../support/stack';

jest.setTimeout(240_000);

const DAY_MS = 86_400_000;
const DAYS = 7;
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ? path.resolve(process.env.SCREENSHOT_DIR) : fs.mkdtempSync(path.join(os.tmpdir(), 'him-screens-'));
const PAGES = [
  ['overview', '/'],
  ['machine', '/machine?machine=g3'],
  ['process', '/process'],
  ['jobs', '/jobs'],
  ['reports', '/reports'],
  ['models', '/models'],
] as const;

let db: TestDatabase;
let stack: TestStack;
let browser: Browser;
let temporal: Client;
let connection: Connection;
let keys: { operator: string; viewer: string };
/** The long capture the waveform is measured on. */
let longCaptureId: number;
const figures: Record<string, string> = {};

/** The demo plant, as `npm start` loads it but a week long: g1–g5 captures every 6 h with the scripted fault history, and two TEP lots. */
async function loadDemoPlant(): Promise<void> {
  const dataDir = stack.config.dataDir;
  const end = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
  const start = new Date(end.getTime() - DAYS * DAY_MS);
  const captures = path.join(dataDir, 'demo', 'captures');
  const written = await writeCaptures(captures, {
    start,
    days: DAYS,
    everyHours: 6,
    machines: DEMO_MACHINES,
    sensorsPerMachine: 1,
    seconds: 2,
    seed: 'demo',
    history: scriptedFaultHistory(start),
  });
  const tep = path.join(dataDir, 'demo', 'tep');
  await writeTepRun(path.join(tep, 'lot_a.dat'), 480, 'demo-a');
  await writeTepRun(path.join(tep, 'lot_b.dat'), 480, 'demo-b', {
    fromRow: 160,
    shifts: [
      { column: 8, sigmas: 4 },
      { column: 20, sigmas: 5 },
    ],
  });
  const bodies = [
    ...fs
      .readdirSync(captures)
      .filter((f) => /^g\d_sensor/.test(f))
      .map((f) => ({ path: `demo/captures/${f}` })),
    { path: 'demo/tep/lot_a.dat', start_time: new Date(end.getTime() - 2 * DAY_MS).toISOString() },
    { path: 'demo/tep/lot_b.dat', start_time: new Date(end.getTime() - DAY_MS).toISOString() },
  ];
  expect(bodies.length).toBe(written.files + 2);
  const jobs: string[] = [];
  for (const body of bodies) {
    const res = await stack.http('POST', '/api/v1/jobs/ingest', { key: ADMIN_KEY, body });
    expect(res.status).toBe(202);
    jobs.push(res.body.workflow_id);
  }
  // Two recordings past the classifier's 30 s start-up: what a vibration retrain learns from and holds out.
  for (const sensor of [1, 2]) {
    const recording = await stack.upload(`g1_sensor${sensor}.csv`, [...recordingChunks({ machine: 1, sensor, seed: 'dashboard', seconds: 45, header: true })].join(''));
    expect(recording.status).toBe(202);
    jobs.push(recording.body.workflow_id);
  }
  // The waveform the browser pans: one capture of over 100 k samples (≈80 s at g1 sensor 2's rate).
  const spec = { machine: 1, sensor: 2, capturedAt: new Date(end.getTime() - 3 * 3_600_000), faultType: 1 as const, speedHz: 25, seed: 'long', seconds: 80 };
  expect(captureRowCount(spec)).toBeGreaterThanOrEqual(100_000);
  const long = await stack.upload(captureFileName(1, 2, spec.capturedAt), [...captureChunks(spec)].join(''));
  expect(long.status).toBe(202);
  jobs.push(long.body.workflow_id);
  for (const id of jobs) expect((await stack.finishedJob(id, 180_000)).status).toBe('completed');
  const found = await stack.http('GET', '/api/v1/captures?machine_name=g1&sensor_no=2', { key: ADMIN_KEY });
  longCaptureId = found.body.items[0].id;

  const sweep = await stack.http('POST', '/api/v1/jobs/diagnosis-sweep', { key: ADMIN_KEY, body: {} });
  expect(sweep.status).toBe(202);
  expect((await stack.finishedJob(sweep.body.workflow_id, 180_000)).status).toBe('completed');
}

beforeAll(async () => {
  db = await createTestDatabase('sqlite', 'dashboard');
  stack = await TestStack.start({ db, namespace: 'dashboard' });
  keys = { operator: await stack.issueKey('operator', 'line-2-operator'), viewer: await stack.issueKey('viewer', 'plant-viewer') };
  connection = await Connection.connect({ address: stack.config.temporal.address });
  temporal = new Client({ connection, namespace: stack.config.temporal.namespace });
  // Listing the schedules creates them in this namespace; paused, none of them starts a run while the pages are checked.
  const schedules = await stack.http('GET', '/api/v1/schedules', { key: ADMIN_KEY });
  for (const s of schedules.body.filter((x: { paused: boolean }) => !x.paused)) {
    expect((await stack.http('POST', `/api/v1/schedules/${s.id}/pause`, { key: ADMIN_KEY, body: { note: 'browser test' } })).status).toBe(200);
  }
  [browser] = await Promise.all([launchChromium(), loadDemoPlant()]);
});

afterAll(async () => {
  if (!process.env.SCREENSHOT_DIR) fs.rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  await browser?.close();
  await connection?.close();
  await stack?.close();
  await db?.drop();
  if (Object.keys(figures).length)
    console.log(
      `dashboard figures (Chromium headless, this machine):\n${Object.entries(figures)
        .map(([k, v]) => `  ${k}: ${v}`)
        .join('\n')}`,
    );
});

/**
 * Runs in the page before its scripts: signs in with the key (as the key screen stores it) and records long tasks
 * (main thread blocked > 50 ms), the largest contentful paint and the first frame in which every machine card on the
 * overview shows its health score.
 */
function watchPerformance(key: string): void {
  const w = globalThis as any;
  w.sessionStorage.setItem('him-mes.api-key', key);
  w.__longTasks = [];
  new w.PerformanceObserver((list: any) => list.getEntries().forEach((e: any) => w.__longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
  new w.PerformanceObserver((list: any) => list.getEntries().forEach((e: any) => (w.__lcp = e.startTime))).observe({ type: 'largest-contentful-paint', buffered: true });
  const check = () => {
    const cards = Array.from(w.document.querySelectorAll('[data-testid="machine-card"]') as any[]);
    if (cards.length > 0 && cards.every((c) => /\d/.test(c.querySelector('[data-health]')?.getAttribute('data-health') ?? ''))) w.__meaningfulPaint = w.performance.now();
    else w.requestAnimationFrame(check);
  };
  w.requestAnimationFrame(check);
}

/** Points of the waveform chart's series, in the page: its data holds `dimensions` numbers a point. */
function waveformPoints(): number {
  const series = (globalThis as any).__waveform?.getOption().series?.[0];
  return series ? series.data.length / (series.dimensions?.length ?? 1) : 0;
}

/** The long tasks recorded since the last call (ms each). */
function takeLongTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => ((globalThis as any).__longTasks as number[]).splice(0));
}

/** A tab signed in with `key` (the key screen's way: typed into the form), its problems watched. */
async function signedIn(key: string, width = 1280): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = new PageProblems(page);
  await page.goto(`${stack.baseUrl}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Open the dashboard' }).click();
  await page.locator('nav.nav').waitFor();
  return { context, page, problems };
}

/** Opens a page by its hash route and waits until its data is in (no request in flight, no loading note). */
async function open(page: Page, route: string, testId: string): Promise<void> {
  await page.goto(`${stack.baseUrl}/#${route}`);
  await page.getByTestId(`page-${testId}`).waitFor();
  await page.waitForLoadState('networkidle');
  await expectNoLoading(page);
}

async function expectNoLoading(page: Page): Promise<void> {
  await page.waitForFunction(
    () => !Array.from((globalThis as any).document.querySelectorAll('.muted') as { textContent: string }[]).some((e) => /Loading|불러오는/.test(e.textContent)),
    undefined,
    {
      timeout: 30_000,
    },
  );
}

describe('dashboard (Chromium headless, real stack)', () => {
  it('serves the page at / with its assets cached for good and the document never', async () => {
    const doc = await fetch(`${stack.baseUrl}/`);
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toMatch(/text\/html/);
    expect(doc.headers.get('cache-control')).toBe('no-cache');
    expect(doc.headers.get('content-security-policy')).toContain("default-src 'self'");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await doc.text())?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${stack.baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // Only built files are routes: an unknown path is still the API's JSON 404.
    const unknown = await fetch(`${stack.baseUrl}/no-such-page`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('refuses a wrong key on the key screen, as the API words it, and keeps the key out of the URL', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = new PageProblems(page);
    await page.goto(`${stack.baseUrl}/`);
    problems.expect(401, /\/api\/v1\/api-keys\/me$/);
    await page.getByLabel('API key').fill('hm_not-a-key-0000000000000000');
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Invalid or revoked API key');
    expect(await page.locator('nav.nav').count()).toBe(0);
    await page.getByLabel('API key').fill(keys.operator);
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await page.locator('nav.nav').waitFor();
    expect(page.url()).not.toContain(keys.operator);
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('him-mes.api-key'))).toBe(keys.operator);
    expect([...problems.take(), ...problems.missing()]).toEqual([]);
    await context.close();
  });

  it('loads every page with no console error and no failed request, at 1280 px and on a 768 px tablet', async () => {
    for (const width of [1280, 768]) {
      const { context, page, problems } = await signedIn(ADMIN_KEY, width);
      for (const [name, route] of PAGES) {
        await open(page, route, name);
        expect({ page: name, width, problems: problems.take() }).toEqual({ page: name, width, problems: [] });
        // Nothing wider than the screen: the page reflows instead of scrolling sideways.
        const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).document.documentElement.clientWidth);
        expect({ page: name, width, overflow }).toEqual({ page: name, width, overflow: 0 });
      }
      await context.close();
    }
  });

  it('keeps filters in the URL: another machine and a fault type change the link and the data', async () => {
    const { context, page, problems } = await signedIn(keys.operator);
    await open(page, '/machine?machine=g1', 'machine');
    await page.getByTestId('filter-machine').selectOption('g3');
    await page.waitForURL(/[?&]machine=g3(&|$)/);
    await page.waitForLoadState('networkidle');
    const g3 = await stack.http('GET', '/api/v1/captures?machine_name=g3&limit=50', { key: ADMIN_KEY });
    const g3Ids = g3.body.items.map((c: { id: number }) => c.id);
    const shown = () => page.getByTestId('capture-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-capture'))));
    expect(await settled(shown, (ids) => JSON.stringify(ids) === JSON.stringify(g3Ids))).toEqual(g3Ids);

    await page.getByTestId('filter-fault').selectOption('2');
    await page.waitForURL(/[?&]fault=2(&|$)/);
    const loose = await stack.http('GET', '/api/v1/vibration-diagnosis?machine_name=g3&fault_type=2&limit=10000', { key: ADMIN_KEY });
    expect(loose.body.length).toBeGreaterThan(0);
    const count = loose.body.length.toLocaleString('en-US');
    expect(
      await settled(
        () => page.getByTestId('timeline-count').textContent(),
        (text) => !!text?.includes(count),
      ),
    ).toContain(count);

    // The link brings the same view back in a new tab, once its reader has given a key (a key lives in one tab only).
    const shared = await context.newPage();
    const sharedProblems = new PageProblems(shared);
    await shared.goto(page.url());
    await shared.getByLabel('API key').fill(keys.viewer);
    await shared.getByRole('button', { name: 'Open the dashboard' }).click();
    await shared.getByTestId('timeline-count').waitFor();
    expect(
      await settled(
        () => shared.getByTestId('timeline-count').textContent(),
        (text) => !!text?.includes(count),
      ),
    ).toContain(count);
    expect(await shared.getByTestId('filter-machine').inputValue()).toBe('g3');

    // The process view's lot is in the link too, and the lot's figures follow it.
    await open(page, '/process?lot=lot_a', 'process');
    await page.getByTestId('lot-picker').selectOption('lot_b');
    await page.waitForURL(/[?&]lot=lot_b(&|$)/);
    const lotB = (await stack.http('GET', '/api/v1/lots/lot_b', { key: ADMIN_KEY })).body;
    const started = lotB.started_at.replace('T', ' ').replace(/(:\d\d)(\.\d+)?Z$/, '$1Z');
    expect(
      await settled(
        () => page.getByTestId('kpi-started-at').textContent(),
        (text) => !!text?.includes(started),
      ),
    ).toContain(started);
    expect([...problems.take(), ...sharedProblems.take()]).toEqual([]);
    await context.close();
  });

  it('follows a dropped file to the end of its ingest, and shows a rejected file’s line numbers and reasons', async () => {
    const { context, page, problems } = await signedIn(keys.operator);
    await open(page, '/jobs', 'jobs');
    const capturedAt = new Date(Date.now() - 30 * 60_000);
    const csv = [...captureChunks({ machine: 4, sensor: 1, capturedAt, faultType: 0, speedHz: 25, seed: 'drop', seconds: 2 })].join('');
    const rows = csv.trim().split('\n').length;
    const dropped = await page.evaluateHandle(
      ({ name, text }) => {
        const { DataTransfer, File } = globalThis as any;
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], name, { type: 'text/csv' }));
        return transfer;
      },
      { name: captureFileName(4, 1, capturedAt), text: csv },
    );
    await page.getByTestId('ingest-drop').dispatchEvent('drop', { dataTransfer: dropped });
    const result = page.getByTestId('ingest-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getAttribute('data-job-status')).toBe('completed');
    expect(await page.getByTestId('ingest-rows-read').textContent()).toBe(rows.toLocaleString('en-US'));
    expect(await page.getByTestId('ingest-rows-inserted').textContent()).toBe(rows.toLocaleString('en-US'));
    const workflowId = await page.getByTestId('ingest-job').getAttribute('data-workflow-id');
    expect(await stack.http('GET', `/api/v1/jobs/${workflowId}`, { key: ADMIN_KEY }).then((r) => r.body.status)).toBe('completed');

    // A file with a bad value on line 3: refused whole, each line named.
    const bad = ['Time,Value', '0.000000,0.1', '0.000750,not-a-number', '0.001500,0.2'].join('\n') + '\n';
    await page
      .getByTestId('ingest-file')
      .setInputFiles({ name: captureFileName(4, 1, new Date(capturedAt.getTime() - 3_600_000)), mimeType: 'text/csv', buffer: Buffer.from(bad) });
    const failed = () => page.getByTestId('ingest-result').getAttribute('data-job-status');
    expect(await settled(failed, (status) => status === 'failed', 60_000)).toBe('failed');
    const alert = await page.getByTestId('ingest-result').getByRole('alert').textContent();
    expect(alert).toMatch(/line 3/);
    expect(alert).toMatch(/not-a-number|number/i);
    expect(problems.take()).toEqual([]);
    await context.close();
  });

  it('generates a report from the page and downloads its bytes', async () => {
    const { context, page, problems } = await signedIn(keys.operator);
    await open(page, '/reports', 'reports');
    await page.getByTestId('report-type').selectOption('equipment');
    await page.getByTestId('report-submit').click();
    const created = page.getByTestId('report-created');
    await created.waitFor();
    const id = await created.getAttribute('data-report-id');
    expect(
      await settled(
        () => page.getByTestId(`report-${id}`).getAttribute('data-status'),
        (status) => status === 'ready',
        90_000,
      ),
    ).toBe('ready');
    const report = (await stack.http('GET', `/api/v1/reports/${id}`, { key: ADMIN_KEY })).body;
    for (const format of ['xlsx', 'pdf']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`download-${id}-${format}`).click()]);
      const bytes = fs.readFileSync(await download.path());
      const file = report.files.find((f: { format: string }) => f.format === format);
      expect({ format, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({ format, bytes: file.bytes, sha256: file.sha256 });
      expect(download.suggestedFilename()).toMatch(new RegExp(`^him-mes_equipment_.*\\.${format}$`));
      expect(bytes.subarray(0, 4).toString('latin1')).toBe(format === 'xlsx' ? 'PK\u0003\u0004' : '%PDF');
    }
    expect(problems.take()).toEqual([]);
    await context.close();
  });

  it('acknowledges an anomaly from the process view, under the operator’s key name', async () => {
    const { context, page, problems } = await signedIn(keys.operator);
    await open(page, '/process?lot=lot_b', 'process');
    const button = page.locator('[data-testid^="ack-"]').first();
    const id = Number((await button.getAttribute('data-testid'))!.slice('ack-'.length));
    await button.click();
    const row = page.getByTestId(`anomaly-${id}`);
    expect(
      await settled(
        () => row.textContent(),
        (text) => !!text?.includes('line-2-operator'),
      ),
    ).toContain('line-2-operator');
    const acknowledged = (await stack.http('GET', '/api/v1/anomalies?lot_code=lot_b&acknowledged=true&limit=1000', { key: ADMIN_KEY })).body.items;
    const stored = acknowledged.find((a: { id: number }) => a.id === id);
    expect(stored).toMatchObject({ acknowledged_by: 'line-2-operator', acknowledged_at: expect.any(String) });
    // The row names the fault the identifier found, as the API records it.
    expect(await page.getByTestId(`probable-fault-${id}`).textContent()).toBe(`${stored.probable_fault.fault} ${(100 * stored.probable_fault.probability).toFixed(1)} %`);
    expect(problems.take()).toEqual([]);
    await context.close();
  });

  it('shows a viewer no write control on any page', async () => {
    const { context, page, problems } = await signedIn(keys.viewer);
    expect(await page.locator('.who').textContent()).toContain('read only');
    const WRITE_CONTROLS = [
      'ingest-drop',
      'ingest-file',
      'report-form',
      'report-submit',
      'retrain-start',
      'cancel-',
      'pause-',
      'unpause-',
      'trigger-',
      'ack-',
      'promote-',
      'rollback-',
    ];
    const selector = WRITE_CONTROLS.map((id) => `[data-testid^="${id}"]`).join(', ');
    for (const [name, route] of PAGES) {
      await open(page, route, name);
      expect({ page: name, writeControls: await page.locator(selector).count() }).toEqual({ page: name, writeControls: 0 });
    }
    expect(problems.take()).toEqual([]);
    await context.close();

    // The same pages as an operator do show them: the selector is not blind.
    const operator = await signedIn(keys.operator);
    await open(operator.page, '/jobs', 'jobs');
    expect(await operator.page.locator(selector).count()).toBeGreaterThan(0);
    await operator.context.close();
  });

  it('returns to the key screen when the key is revoked while the page is open', async () => {
    const key = await stack.issueKey('operator', 'shift-key');
    const { context, page, problems } = await signedIn(key);
    await open(page, '/', 'overview');
    const listed = await stack.http('GET', '/api/v1/api-keys', { key: ADMIN_KEY });
    const id = listed.body.find((k: { name: string }) => k.name === 'shift-key').id;
    expect((await stack.http('DELETE', `/api/v1/api-keys/${id}`, { key: ADMIN_KEY })).status).toBe(200);
    problems.expect(401, /^\/api\/v1\//);
    await page.getByRole('link', { name: 'Jobs' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Invalid or revoked API key');
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('him-mes.api-key'))).toBeNull();
    // Other requests of the page in flight may also be refused; only the first was expected.
    expect(problems.take().filter((p) => !/^HTTP 401/.test(p))).toEqual([]);
    await context.close();
  });

  it('speaks Korean when asked', async () => {
    const { context, page, problems } = await signedIn(keys.operator);
    await page.getByLabel('Language').selectOption('ko');
    expect(
      await settled(
        () => page.locator('nav.nav').textContent(),
        (text) => !!text?.includes('개요'),
      ),
    ).toContain('개요');
    await open(page, '/machine?machine=g3', 'machine');
    expect(await page.getByTestId('page-machine').textContent()).toMatch(/[가-힣]/);
    expect(problems.take()).toEqual([]);
    await context.close();
  });

  it('starts a retrain from the page, links it to the Temporal UI where it runs, and shows the comparison when it ends', async () => {
    const { context, page, problems } = await signedIn(keys.operator);
    await open(page, '/models', 'models');
    await page.getByTestId('retrain-model').selectOption('vibration-classifier');
    await page.getByTestId('retrain-promote').selectOption('never');
    await page.getByTestId('retrain-epochs').fill('1');
    await page.getByTestId('retrain-start').click();
    const link = page.getByTestId('retrain-temporal-link');
    await link.waitFor();
    const workflowId = (await link.getAttribute('data-workflow-id'))!;
    const href = (await link.getAttribute('href'))!;
    const workflowPage = `${stack.config.temporal.uiUrl}/namespaces/dashboard/workflows/${encodeURIComponent(workflowId)}/`;
    expect(href.slice(0, workflowPage.length)).toBe(workflowPage);
    // The run behind the link is in Temporal, as a retrain.
    const runId = decodeURIComponent(href.slice(workflowPage.length).replace(/\/history$/, ''));
    const described = await temporal.workflow.getHandle(workflowId, runId).describe();
    expect(described.type).toBe('retrainModel');
    const job = page.locator(`[data-testid="retrain-job"][data-workflow-id="${workflowId}"]`);
    expect(
      await settled(
        () => job.getAttribute('data-status'),
        (status) => status !== 'running',
        120_000,
      ),
    ).toBe('completed');
    expect(await page.getByTestId('retrain-decision').getAttribute('data-promoted')).toBe('false');
    expect(problems.take()).toEqual([]);
    await context.close();
  });

  it('paints the overview within moments and pans a 100 k-point waveform without long blocking (figures printed, not asserted)', async () => {
    const paints: number[] = [];
    const largest: number[] = [];
    for (let round = 0; round < 3; round++) {
      // A fresh context each time: an empty cache, as a first visit.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript(watchPerformance, ADMIN_KEY);
      const page = await context.newPage();
      const problems = new PageProblems(page);
      await page.goto(`${stack.baseUrl}/`);
      await page.waitForFunction(() => (globalThis as any).__meaningfulPaint !== undefined, undefined, { timeout: 30_000 });
      const { meaningful, lcp } = await page.evaluate(() => ({ meaningful: (globalThis as any).__meaningfulPaint as number, lcp: (globalThis as any).__lcp as number }));
      expect(await page.getByTestId('machine-card').count()).toBe(DEMO_MACHINES.length);
      paints.push(meaningful);
      largest.push(lcp);
      expect(problems.take()).toEqual([]);
      await context.close();
    }
    figures['overview: every machine card with its health score painted (ms after navigation, 3 cold loads)'] = paints.map((p) => p.toFixed(0)).join(', ');
    figures['overview: largest contentful paint (ms)'] = largest.map((p) => p.toFixed(0)).join(', ');

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(watchPerformance, ADMIN_KEY);
    const page = await context.newPage();
    const problems = new PageProblems(page);
    const navigated = Date.now();
    await page.goto(`${stack.baseUrl}/#/machine?machine=g1&sensor=2&capture=${longCaptureId}`);
    // The chart is given the whole capture at once: any points at all are all of them.
    await page.waitForFunction(waveformPoints, undefined, { timeout: 60_000, polling: 100 });
    await page.waitForLoadState('networkidle');
    const rendered = Date.now() - navigated;
    const points = await page.evaluate(waveformPoints);
    const whileRendering = await takeLongTasks(page);

    // Zoom in to 5 % of the capture, then drag it sideways with the mouse as a user pans.
    await page.evaluate(() => (globalThis as any).__waveform.dispatchAction({ type: 'dataZoom', start: 40, end: 45 }));
    await page.waitForTimeout(300);
    await takeLongTasks(page);
    await page.locator('[data-chart="waveform"]').scrollIntoViewIfNeeded();
    const box = (await page.locator('[data-chart="waveform"]').boundingBox())!;
    const y = box.y + box.height * 0.4;
    const zoomStart = () => page.evaluate(() => (globalThis as any).__waveform.getOption().dataZoom[0].start as number);
    const before = await zoomStart();
    for (const direction of [-1, 1, -1]) {
      await page.mouse.move(box.x + box.width / 2, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 + direction * 400, y, { steps: 30 });
      await page.mouse.up();
    }
    await page.waitForTimeout(300);
    const whilePanning = await takeLongTasks(page);
    expect(await zoomStart()).not.toBeCloseTo(before, 3);
    expect(points).toBeGreaterThanOrEqual(100_000);
    expect(problems.take()).toEqual([]);
    await context.close();
    const longest = (tasks: number[]) => (tasks.length ? `${tasks.length} long tasks, longest ${Math.max(...tasks).toFixed(0)} ms` : 'no long task (> 50 ms)');
    figures[`waveform of ${points.toLocaleString('en-US')} points: shown (ms after navigation)`] = String(rendered);
    figures['waveform: main thread while loading and drawing'] = longest(whileRendering);
    figures['waveform: main thread while panning (3 drags of 400 px)'] = longest(whilePanning);
  });

  // Last, so the pages show what the tests above made: a report, a retrain, an upload.
  it('takes a screenshot of every page at 1280 px', async () => {
    const { context, page, problems } = await signedIn(ADMIN_KEY);
    for (const [name, route] of PAGES) {
      await open(page, route, name);
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    }
    expect(problems.take()).toEqual([]);
    await context.close();
  });
});
