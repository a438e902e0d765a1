import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadRequestDetail } from '../../src/review/queries';
import { renderHtmlExport } from '../../src/review/export-html';
import { seedReviewData } from './review-test-kit';
import { CHROMIUM_PATH, chromiumAvailable, screenshotHtml } from './chromium';

/**
 * `npm run review:screenshot`: files a request through the real bot (in memory), exports it as HTML
 * and saves a screenshot of the export in headless Chromium, to check by eye that Japanese renders.
 * Writes .data/review/export.html and .data/review/export.png (or the folder given as argument).
 */
export async function makeScreenshot(
  folder: string,
): Promise<{ htmlPath: string; pngPath: string; text: string }> {
  const data = await seedReviewData();
  try {
    const detail = await loadRequestDetail(data.app, data.doneId);
    if (!detail) throw new Error('the seeded request is missing');
    const html = renderHtmlExport([detail], {
      title: `MFA reset request ${data.doneId}`,
      generatedAt: new Date().toISOString(),
      timeZone: data.app.config.timeZone,
    });
    mkdirSync(folder, { recursive: true });
    const htmlPath = join(folder, 'export.html');
    const pngPath = join(folder, 'export.png');
    writeFileSync(htmlPath, html, 'utf8');
    const text = await screenshotHtml(html, pngPath);
    return { htmlPath, pngPath, text };
  } finally {
    await data.app.close();
  }
}

if (require.main === module) {
  if (!chromiumAvailable()) {
    process.stderr.write(
      `${CHROMIUM_PATH} is not installed (Debian: apt-get install chromium fonts-noto-cjk).\n`,
    );
    process.exitCode = 1;
  } else {
    makeScreenshot(resolve(process.argv[2] ?? '.data/review')).then(
      ({ htmlPath, pngPath }) => process.stdout.write(`Wrote ${htmlPath}\nWrote ${pngPath}\n`),
      (error: unknown) => {
        process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
        process.exitCode = 1;
      },
    );
  }
}
