// The body of a feature thread (piscina loads this file in each thread of capture-threads.ts): it reads a capture's
// samples on its own connections and cuts and featurises them, so the worker's main thread never parses sample rows.
import { workerData } from 'node:worker_threads';
import { captureWindows, type CaptureSignal } from './capture-windows';
import type { CaptureSampleSource, CaptureWindowsOfCapture } from './capture-threads';

export interface CaptureWindowsTask {
  captureId: number;
  windowSeconds: number;
}

/** What the source module exports (`openCaptureSampleReader` of @him/db, loaded by path: this lib knows no database). */
interface SampleReaderModule {
  openCaptureSampleReader(options: unknown): { read(captureId: number): Promise<CaptureSignal> };
}

let reader: Promise<{ read(captureId: number): Promise<CaptureSignal> }> | undefined;

export default async function windowsOfCapture({ captureId, windowSeconds }: CaptureWindowsTask): Promise<CaptureWindowsOfCapture> {
  const { source } = workerData as { source: CaptureSampleSource };
  reader ??= import(source.module).then((m: SampleReaderModule) => m.openCaptureSampleReader(source.options));
  const signal = await (await reader).read(captureId);
  return { ...captureWindows(signal, windowSeconds), samples: signal.value.length };
}
