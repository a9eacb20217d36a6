import * as fs from 'node:fs';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';

/** Debian's chromium (installed by .ci/run), or the one CHROMIUM_PATH names. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => !!p);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`no Chromium found (tried ${candidates.join(', ')}): apt-get install chromium, or set CHROMIUM_PATH`);
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/**
 * What went wrong on a page while a test used it: console errors and warnings, uncaught exceptions, requests that
 * failed or answered 4xx/5xx. A test that provokes an error answer on purpose says so with `expect(status, path)`.
 */
export class PageProblems {
  private readonly problems: string[] = [];
  private readonly expected: { status: number; path: RegExp }[] = [];

  constructor(readonly page: Page) {
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') this.problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => this.problems.push(`uncaught: ${err.message}`));
    page.on('requestfailed', (req) => {
      // A download hands its response to the browser's download manager, which reports the request as aborted.
      if (req.failure()?.errorText === 'net::ERR_ABORTED' && /\/download\?/.test(req.url())) return;
      this.problems.push(`request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText}`);
    });
    page.on('response', (res) => this.onResponse(res));
  }

  private onResponse(res: Response): void {
    if (res.status() < 400) return;
    const path = new URL(res.url()).pathname;
    const i = this.expected.findIndex((e) => e.status === res.status() && e.path.test(path));
    if (i >= 0) this.expected.splice(i, 1);
    else this.problems.push(`HTTP ${res.status()}: ${res.request().method()} ${path}`);
  }

  /** The next answer with this status to a matching path is part of the test (and must come). */
  expect(status: number, path: RegExp): void {
    this.expected.push({ status, path });
  }

  /** Problems since the last call. Chromium logs each 4xx/5xx answer to the console too; the answer itself is judged above. */
  take(): string[] {
    return this.problems.splice(0).filter((p) => !/Failed to load resource: the server responded with a status of/.test(p));
  }

  /** Expected answers that never came. */
  missing(): string[] {
    return this.expected.splice(0).map((e) => `expected HTTP ${e.status} for ${e.path} did not come`);
  }
}

/** Reads until `done` accepts the value or the time is up, and returns the last value read (for expect to judge). */
export async function settled<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}
