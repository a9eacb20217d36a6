import * as path from 'node:path';
import { Piscina } from 'piscina';
import { compiledFile } from '@him/config';
import type { CaptureWindowsTask } from './capture-thread';
import type { CaptureWindows } from './capture-windows';

/** Threads load JavaScript: the build's copy when this module runs as TypeScript (see compiledFile). */
const THREAD_FILE = compiledFile(path.join(__dirname, `capture-thread${path.extname(__filename)}`));

/** Where a thread reads captures' samples: a module exporting `openCaptureSampleReader(options)` (CAPTURE_SAMPLES_MODULE of @him/db). */
export interface CaptureSampleSource {
  module: string;
  /** Given to `openCaptureSampleReader` in each thread (the database settings): plain data. */
  options: unknown;
}

export interface CaptureWindowsOfCapture extends CaptureWindows {
  /** Samples read: 0 for a capture that has none (nothing to diagnose). */
  samples: number;
}

/** Captures in hand per thread: one is parsed and featurised while the next one's rows arrive. */
const TASKS_PER_THREAD = 2;

/**
 * Feature threads for live captures: each reads a capture's samples from the database and cuts and featurises them.
 * The worker's main thread only hands out capture ids and gets features back; parsing the rows there made it the
 * sweep's critical path (and cost it more than a thread: its async hooks and larger heap).
 */
export class CaptureFeatureThreads {
  /** Started by start() or at the first capture: a worker that never diagnoses one (an I/O-only worker) starts no thread. */
  private pool: Piscina<CaptureWindowsTask, CaptureWindowsOfCapture> | undefined;

  constructor(
    private readonly threads: number,
    private readonly source: CaptureSampleSource,
  ) {}

  /**
   * Starts the threads now, and with them their readers: a thread's start and its first module loads cost the first
   * sweep of a fresh worker ~0.4 CPU s, which a worker serving the CPU queue rather spends at boot.
   */
  start(): void {
    this.running();
  }

  /** The capture's windows and features, read and computed in a thread. */
  windowsOfCapture(captureId: number, windowSeconds: number): Promise<CaptureWindowsOfCapture> {
    return this.running().run({ captureId, windowSeconds });
  }

  private running(): Piscina<CaptureWindowsTask, CaptureWindowsOfCapture> {
    return (this.pool ??= new Piscina({
      filename: THREAD_FILE,
      minThreads: this.threads,
      maxThreads: this.threads,
      concurrentTasksPerWorker: TASKS_PER_THREAD,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData: { source: { module: compiledFile(this.source.module), options: this.source.options } satisfies CaptureSampleSource },
    }));
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
    this.pool = undefined;
  }
}
