import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Debian's Chromium; the project does not download browsers. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/**
 * Opens an HTML export in headless Chromium, saves a full-page screenshot and returns the page's
 * visible text. Loopback-free: the export is self-contained, so it is set as the page content.
 */
export async function screenshotHtml(html: string, pngPath: string): Promise<string> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 }, locale: 'ja-JP' });
    await page.setContent(html, { waitUntil: 'load' });
    await page.screenshot({ path: pngPath, fullPage: true });
    return await page.innerText('body');
  } finally {
    await browser.close();
  }
}
