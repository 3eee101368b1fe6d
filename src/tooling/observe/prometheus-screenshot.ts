import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError } from '../../service/errors.ts';

export interface ScreenshotOptions {
  /** The Prometheus to render, e.g. http://127.0.0.1:9090. */
  prometheus: string;
  queries: readonly string[];
  range: string;
  out: string;
  chromium?: string;
}

/**
 * A PNG of Prometheus's own graph page for these queries, taken by a headless Chromium (Debian's,
 * driven by playwright-core): how the README's picture is made on this machine.
 */
export async function screenshotPrometheus({ prometheus, queries, range, out, chromium = '/usr/bin/chromium' }: ScreenshotOptions): Promise<string> {
  const { chromium: launcher } = await import('playwright-core').catch((error: unknown) => {
    throw new AppError('PREREQUISITE_MISSING', 'playwright-core is a development dependency: npm ci (make deps) installs it', { cause: error });
  });
  const params = new URLSearchParams();
  queries.forEach((query, index) => {
    params.set(`g${index}.expr`, query);
    params.set(`g${index}.tab`, '0');
    params.set(`g${index}.range_input`, range);
  });
  const profile = await mkdtemp(path.join(tmpdir(), 'chromium-profile-'));
  const browser = await launcher
    .launchPersistentContext(profile, {
      executablePath: chromium,
      headless: true,
      viewport: { width: 1280, height: 360 + 430 * queries.length },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    })
    .catch((error: unknown) => {
      throw new AppError('PREREQUISITE_MISSING', `cannot start ${chromium}: apt-get install chromium (${(error as Error).message})`, { cause: error });
    });
  try {
    const page = await browser.newPage();
    await page.goto(`${prometheus}/graph?${params.toString()}`, { waitUntil: 'networkidle' });
    // One drawn chart per query before the picture is taken.
    await page
      .locator('.graph svg path')
      .nth(queries.length - 1)
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: out, fullPage: true });
    return out;
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  }
}
