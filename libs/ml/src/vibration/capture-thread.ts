// The body of a feature thread (piscina loads this file in each thread of capture-threads.ts).
import { captureWindows, type CaptureSignal, type CaptureWindows } from './capture-windows';

export interface CaptureWindowsTask extends CaptureSignal {
  windowSeconds: number;
}

export default function windowsOfCapture({ time, value, windowSeconds }: CaptureWindowsTask): CaptureWindows {
  return captureWindows({ time, value }, windowSeconds);
}
