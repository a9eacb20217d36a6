import * as path from 'node:path';
import { Piscina } from 'piscina';
import type { CaptureWindowsTask } from './capture-thread';
import type { CaptureSignal, CaptureWindows } from './capture-windows';

/**
 * The compiled thread body. Under ts-jest this module is the TypeScript source while threads need JavaScript: they
 * load the build's copy (`npm test` builds before jest runs, as it does the workflow bundle).
 */
const REPO_ROOT = path.resolve(__dirname, '../../../..');
const THREAD_FILE = __filename.endsWith('.ts') ? path.join(REPO_ROOT, 'dist', path.relative(REPO_ROOT, __dirname), 'capture-thread.js') : path.join(__dirname, 'capture-thread.js');

/**
 * Feature threads for live captures: a worker reads the next captures from the database on its main thread while
 * these cut and featurise the ones read (the main thread alone would do one after the other).
 */
export class CaptureFeatureThreads {
  /** Started at the first capture: a worker that never diagnoses one (an I/O-only worker) starts no thread. */
  private pool: Piscina<CaptureWindowsTask, CaptureWindows> | undefined;

  constructor(private readonly threads: number) {}

  /** The capture's windows and features; its sample arrays move to the thread (unusable here afterwards). */
  windows(signal: CaptureSignal, windowSeconds: number): Promise<CaptureWindows> {
    this.pool ??= new Piscina({ filename: THREAD_FILE, minThreads: this.threads, maxThreads: this.threads, idleTimeout: Number.POSITIVE_INFINITY });
    const { time, value } = signal;
    return this.pool.run({ time, value, windowSeconds }, { transferList: [time.buffer, value.buffer] as ArrayBuffer[] });
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
    this.pool = undefined;
  }
}
