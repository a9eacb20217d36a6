// Data engineer's upload tool: `npm run ingest -- [options] <file|directory>…`. Streams each file to
// POST /api/v1/jobs/ingest, then follows its job to the end; on a terminal every file has a progress bar.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { MultiBar } from 'cli-progress';

const USAGE = `usage: ingest [options] <file|directory>…   (a directory means its *.csv and *.dat files, except *truth*.csv)
  --api URL            API base URL (default $HIM_MES_API_URL, else http://localhost:3000)
  --key KEY            API key with the operator role (default $MES_API_KEY, else $MES_ADMIN_API_KEY)
  --kind KIND          vibration | capture | tep (default: detected from the file)
  --machine-name NAME  --sensor-no NO  --collected-at ISO  --start-time ISO   (default: from the file name)
  --max-errors N       bad lines tolerated per file (default 0: one bad line rejects the file)
  --concurrency N      files at once (default 4)
  --no-wait            upload, print the job ids and exit`;

const POLL_MS = 250;
const REJECTIONS_SHOWN = 5;
/** Error codes of a fetch that never reached a server. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

interface Options {
  api: string;
  key: string;
  /** Form fields sent beside the file. */
  fields: Record<string, string>;
  concurrency: number;
  wait: boolean;
}

interface JobStarted {
  workflow_id: string;
  status_url: string;
}

interface JobProgress {
  phase: string;
  done: number;
  total: number | null;
  unit: string;
}

interface JobStatus {
  status: string;
  progress: JobProgress | null;
  result: { ingest_id: number; rows_read: number; rows_inserted: number; rows_duplicate: number; rows_rejected: number; duplicate_file: boolean } | null;
  error: { message: string; type?: string; details?: { errors?: { line: number; reason: string }[]; rejected_lines?: number } } | null;
}

/** What the user sees of one file while it is in flight, and the line it ends with. */
interface FileLine {
  update(value: number, total: number, phase: string, counts: string): void;
  done(text: string): void;
}

class UsageError extends Error {}
/** A non-2xx answer, worded from the API's error body. */
class ApiError extends Error {}

const count = (n: number): string => n.toLocaleString('en-US');
const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

function options(): { opts: Options; files: string[] } {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      key: { type: 'string' },
      kind: { type: 'string' },
      'machine-name': { type: 'string' },
      'sensor-no': { type: 'string' },
      'collected-at': { type: 'string' },
      'start-time': { type: 'string' },
      'max-errors': { type: 'string' },
      concurrency: { type: 'string' },
      'no-wait': { type: 'boolean' },
    },
  });
  const key = values.key ?? process.env.MES_API_KEY ?? process.env.MES_ADMIN_API_KEY;
  if (!key) throw new UsageError('no API key: pass --key or set MES_API_KEY (an operator key; `npm run keys` creates one)');
  const concurrency = Number(values.concurrency ?? 4);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a whole number ≥ 1, got '${values.concurrency}'`);
  if (positionals.length === 0) throw new UsageError('no files given');
  // The API validates every option; the CLI only renames them to the form's field names.
  const fields: Record<string, string> = {};
  for (const name of ['kind', 'machine-name', 'sensor-no', 'collected-at', 'start-time', 'max-errors'] as const) {
    const value = values[name];
    if (value !== undefined) fields[name.replace('-', '_')] = value;
  }
  const api = (values.api ?? process.env.HIM_MES_API_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  return { opts: { api, key, fields, concurrency, wait: !values['no-wait'] }, files: inputFiles(positionals) };
}

/** Files as given; a directory stands for its *.csv and *.dat files, sorted, without ground-truth tables (*truth*.csv). */
export function inputFiles(args: string[]): string[] {
  const files = args.flatMap((arg) => {
    if (!fs.existsSync(arg)) throw new UsageError(`no such file or directory: ${arg}`);
    if (!fs.statSync(arg).isDirectory()) return [arg];
    return fs
      .readdirSync(arg, { withFileTypes: true })
      .filter((e) => e.isFile() && /\.(csv|dat)$/i.test(e.name) && !/truth.*\.csv$/i.test(e.name))
      .map((e) => e.name)
      .sort()
      .map((name) => path.join(arg, name));
  });
  if (files.length === 0) throw new UsageError(`no *.csv or *.dat files in ${args.join(', ')}`);
  return files;
}

/** multipart/form-data written by hand: the file streams from disk instead of being buffered whole into a FormData Blob. */
export async function* multipartBody(boundary: string, fields: Record<string, string>, file: string, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for (const [name, value] of Object.entries(fields)) {
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  }
  // Escaped as browsers do, so a quote or line break cannot end the header early.
  const fileName = path.basename(file).replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    onBytes(chunk.length);
    yield chunk;
  }
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: { message?: string; details?: { field: string; message: string }[] } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  if (res.ok && body) return body as T;
  if (!body?.message) throw new ApiError(`HTTP ${res.status} ${res.statusText}`);
  const message = body.message;
  // Details often repeat the message; only the ones that add something are shown.
  const details = (body.details ?? []).filter((d) => !message.includes(d.message)).map((d) => `${d.field}: ${d.message}`);
  throw new ApiError([message, ...details].join('; '));
}

async function upload(opts: Options, file: string, onBytes: (n: number) => void): Promise<JobStarted> {
  const boundary = `him-mes-${randomBytes(16).toString('hex')}`;
  const res = await fetch(`${opts.api}/api/v1/jobs/ingest`, {
    method: 'POST',
    headers: { 'X-API-Key': opts.key, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    body: multipartBody(boundary, opts.fields, file, onBytes),
    duplex: 'half',
    // Following redirects makes undici keep every byte sent, to send it again (nodejs/undici#4058): a 75 MB file would sit in memory.
    redirect: 'error',
  });
  return json<JobStarted>(res);
}

let nextPoll = 0;
/** Status requests are spaced POLL_MS apart across all files: four files polled every 250 ms each would exceed the API's default 600 requests a minute. */
function pollTurn(): Promise<void> {
  const now = Date.now();
  nextPoll = Math.max(nextPoll + POLL_MS, now);
  return sleep(nextPoll - now);
}

async function follow(opts: Options, job: JobStarted, onProgress: (p: JobProgress) => void): Promise<JobStatus> {
  for (;;) {
    await pollTurn();
    const res = await fetch(job.status_url, { headers: { 'X-API-Key': opts.key } });
    if (res.status === 429) {
      // Others share this key's rate limit: wait as told, the job goes on meanwhile.
      await res.text();
      await sleep(1000 * (Number(res.headers.get('retry-after')) || 1));
      continue;
    }
    const status = await json<JobStatus>(res);
    if (status.status !== 'running') return status;
    if (status.progress) onProgress(status.progress);
  }
}

function outcome(name: string, status: JobStatus, seconds: number): { ok: boolean; text: string } {
  const r = status.result;
  if (r?.duplicate_file) return { ok: true, text: `= ${name} already ingested (ingest #${r.ingest_id})` };
  if (r) {
    const counts = `${count(r.rows_read)} read · ${count(r.rows_inserted)} inserted · ${count(r.rows_duplicate)} duplicate · ${count(r.rows_rejected)} rejected`;
    return { ok: true, text: `✓ ${name}  ${counts}  (${seconds.toFixed(1)} s)` };
  }
  const error = status.error ?? { message: `job ${status.status}` };
  const errors = error.type === 'FileRejected' ? (error.details?.errors ?? []) : [];
  if (errors.length === 0) return { ok: false, text: `✗ ${name}: ${error.message}` };
  // The message lists the bad lines inline; they read better one per line below it.
  const inline = error.message.indexOf(`line ${errors[0].line}: `);
  const shown = errors.slice(0, REJECTIONS_SHOWN).map((e) => `    line ${e.line}: ${e.reason}`);
  const more = (error.details?.rejected_lines ?? errors.length) - shown.length;
  if (more > 0) shown.push(`    …and ${count(more)} more`);
  return { ok: false, text: [`✗ ${name}: ${(inline > 0 ? error.message.slice(0, inline) : error.message).trim()}`, ...shown].join('\n') };
}

function failure(err: unknown, api: string): string {
  if (err instanceof ApiError) return err.message;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code && UNREACHABLE.has(cause.code)) return `cannot reach the API at ${api} (is \`npm start\` running?)`;
  return cause?.message ?? (err as Error).message;
}

async function ingestFile(opts: Options, file: string, line: FileLine): Promise<boolean> {
  const name = path.basename(file);
  const started = Date.now();
  try {
    const size = fs.statSync(file).size;
    let sent = 0;
    const job = await upload(opts, file, (n) => {
      sent += n;
      line.update(sent, size, 'uploading', `${mb(sent)}/${mb(size)} MB`);
    });
    if (!opts.wait) {
      line.done(`→ ${name}  ${job.workflow_id}  ${job.status_url}`);
      return true;
    }
    const status = await follow(opts, job, (p) => line.update(p.done, p.total ?? 0, p.phase, p.total ? `${count(p.done)}/${count(p.total)} ${p.unit}` : ''));
    const { ok, text } = outcome(name, status, (Date.now() - started) / 1000);
    line.done(text);
    return ok;
  } catch (err) {
    line.done(`✗ ${name}: ${failure(err, opts.api)}`);
    return false;
  }
}

/** Bars on a terminal; elsewhere (CI, pipes) only the line each file ends with. */
function display(nameWidth: number): { show(name: string): FileLine; stop(): void } {
  if (!process.stdout.isTTY) return { show: () => ({ update: () => undefined, done: (text) => console.log(text) }), stop: () => undefined };
  const bars = new MultiBar({
    stream: process.stdout,
    format: ' {name}  {bar} {percentage}%  {phase} {counts}',
    barsize: 30,
    hideCursor: true,
    clearOnComplete: true,
    autopadding: true,
    emptyOnZero: true,
  });
  // MultiBar hides the cursor and line wrapping: Ctrl-C must give them back. Started jobs go on in the API.
  process.once('SIGINT', () => {
    bars.stop();
    console.log('interrupted: files already uploaded keep ingesting; run the same command again to follow them');
    process.exit(130);
  });
  return {
    show(name) {
      const bar = bars.create(0, 0, { name: name.padEnd(nameWidth), phase: 'uploading', counts: '' });
      return {
        update(value, total, phase, counts) {
          bar.setTotal(total);
          bar.update(value, { phase, counts });
        },
        // The finished line goes above the bars still running. MultiBar clears only the first line it logs,
        // so each line erases the rest of the bar it overwrites (ESC[K).
        done(text) {
          bars.log(`${text}\n`.replace(/\n/g, '\x1b[K\n'));
          bars.remove(bar);
        },
      };
    },
    stop: () => bars.stop(),
  };
}

async function main(): Promise<number> {
  const { opts, files } = options();
  // One clear message when the API is down, rather than one per file.
  try {
    await fetch(`${opts.api}/api/v1/health`);
  } catch (err) {
    console.error(failure(err, opts.api));
    return 1;
  }
  const screen = display(Math.max(...files.map((f) => path.basename(f).length)));
  let next = 0;
  let allOk = true;
  await Promise.all(
    Array.from({ length: Math.min(opts.concurrency, files.length) }, async () => {
      while (next < files.length) {
        const file = files[next++];
        if (!(await ingestFile(opts, file, screen.show(path.basename(file))))) allOk = false;
      }
    }),
  );
  screen.stop();
  return allOk ? 0 : 1;
}

if (require.main === module) {
  // `… | head` may close stdout early: stop quietly rather than with an EPIPE stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(1);
  });
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      // parseArgs rejects unknown or malformed options with ERR_PARSE_ARGS_* codes: those are usage errors too.
      const usage = err instanceof UsageError || String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
      console.error(usage ? `${(err as Error).message}\n${USAGE}` : err);
      process.exit(usage ? 2 : 1);
    },
  );
}
