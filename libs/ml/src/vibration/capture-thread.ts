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

type Reader = ReturnType<SampleReaderModule['openCaptureSampleReader']>;

function openReader(): Promise<Reader> {
  const { source } = workerData as { source: CaptureSampleSource };
  const opened = import(source.module).then((m: SampleReaderModule) => m.openCaptureSampleReader(source.options));
  opened.catch(() => undefined); // reported by the task that awaits it
  return opened;
}

// Opened as the thread starts, which a CPU worker does at boot (see CaptureFeatureThreads.start): the first sweep finds
// the reader ready. One that failed to open fails its task and is opened again for the next.
let reader = openReader();

export default async function windowsOfCapture({ captureId, windowSeconds }: CaptureWindowsTask): Promise<CaptureWindowsOfCapture> {
  const opening = reader;
  const signal = await opening.then(
    (r) => r.read(captureId),
    (err: unknown) => {
      if (reader === opening) reader = openReader();
      throw err;
    },
  );
  return { ...captureWindows(signal, windowSeconds), samples: signal.value.length };
}
