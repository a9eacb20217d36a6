import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compiledFile } from '@him/config';
import { OnnxModelRejectedError, type OnnxRejectionReason } from '@him/ml';

/** What the check may cost: an uploaded graph can ask ONNX Runtime for any amount of memory while it loads. */
export interface ModelCheckLimits {
  /** Address space of the checking process, MiB (Node and ONNX Runtime take ≈ 800 of it before the model does). */
  memoryMb: number;
  timeoutMs: number;
}

/** Checks at once per process: each may use `memoryMb`, so a burst of uploads waits rather than adding up. */
const CONCURRENT_CHECKS = 2;

/** A line the check process prints. */
export type ModelCheckMessage = { ready: true } | { servable: true } | { rejected: { reason: OnnxRejectionReason; message: string } } | { failed: string };

/**
 * Checks that the ONNX file at `file` is servable as `name` (loadServableModel) in a child process with its own
 * memory and time limits, never in the caller's heap: a small crafted graph (a huge ConstantOfShape that ONNX
 * Runtime folds at load, say) can ask for gigabytes, and ONNX Runtime allocates natively, beyond any V8 heap limit.
 * On Linux the child's address space is capped with `ulimit -v`; elsewhere only the time and the V8 heap are.
 *
 * Resolves when the model is servable. Rejects with OnnxModelRejectedError when it is not — reason
 * `resource_limit` when loading it needs more memory or time than `limits` allow — and with another error when the
 * check itself could not run.
 */
export async function checkServableModelFile(name: string, file: string, limits: ModelCheckLimits): Promise<void> {
  await checkSlot.acquire();
  try {
    await runCheck(name, file, limits);
  } finally {
    checkSlot.release();
  }
}

function runCheck(name: string, file: string, limits: ModelCheckLimits): Promise<void> {
  const node = [`--max-old-space-size=${Math.floor(limits.memoryMb / 2)}`, checkerScript(), name, file];
  // malloc's per-thread arenas reserve address space that the model could use instead.
  const env = { ...process.env, NODE_OPTIONS: '', MALLOC_ARENA_MAX: '2' };
  const child =
    process.platform === 'linux'
      ? spawn('/bin/sh', ['-c', 'ulimit -v "$0" && exec "$@"', String(limits.memoryMb * 1024), process.execPath, ...node], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, node, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, limits.timeoutMs);
  const refuse = (reason: OnnxRejectionReason, message: string) => new OnnxModelRejectedError(reason, message);

  return new Promise<void>((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`the model check could not start: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const messages = stdout.split('\n').flatMap(parseMessage);
      const outcome = messages.find((m): m is Exclude<ModelCheckMessage, { ready: true }> => !('ready' in m));
      if (!messages.some((m) => 'ready' in m)) {
        return reject(new Error(`the model check could not start (${signal ?? `exit ${code}`}${timedOut ? ', timed out' : ''}): ${stderr.trim() || 'no output'}`));
      }
      if (!outcome) {
        if (timedOut) return reject(refuse('resource_limit', `loading the model took longer than the ${limits.timeoutMs / 1000} s a model may take`));
        return reject(
          refuse('resource_limit', `loading the model needs more than the ${limits.memoryMb} MB of memory a model may use (the check ended with ${signal ?? `exit ${code}`})`),
        );
      }
      if ('servable' in outcome) return resolve();
      if ('failed' in outcome) return reject(new Error(`the model check failed: ${outcome.failed}`));
      const { reason, message } = outcome.rejected;
      // Under the address-space cap, an allocation ONNX Runtime cannot make surfaces as an exception while loading.
      if (reason === 'runtime_rejected' && /bad_alloc|failed to allocate|out of memory/i.test(message)) {
        return reject(refuse('resource_limit', `loading the model needs more than the ${limits.memoryMb} MB of memory a model may use`));
      }
      reject(refuse(reason, message));
    });
  });
}

/** A line of the child's output; a line cut short by the kill, or not JSON, is none. */
function parseMessage(line: string): ModelCheckMessage[] {
  try {
    return [JSON.parse(line) as ModelCheckMessage];
  } catch {
    return [];
  }
}

/**
 * The child script, compiled: beside this file in dist/, or — when this file runs as TypeScript under jest — its
 * build in dist/, which `npm test` makes first.
 */
function checkerScript(): string {
  const script = compiledFile(path.join(__dirname, `model-check.process${path.extname(__filename)}`));
  if (!fs.existsSync(script)) throw new Error(`the model check script ${script} is missing: run \`npm run build\``);
  return script;
}

/** At most CONCURRENT_CHECKS at once; the rest wait in order. */
const checkSlot = (() => {
  let free = CONCURRENT_CHECKS;
  const waiting: (() => void)[] = [];
  return {
    acquire: (): Promise<void> => {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    release: (): void => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
})();
