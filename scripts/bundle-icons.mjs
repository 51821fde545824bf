// Renders public/icons/icon.svg to the PNG icons the web app manifest lists (192 and 512 px),
// with Debian's headless Chromium (playwright-core). Run once after editing the SVG:
//   node scripts/bundle-icons.mjs
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, launchBrowser } from '../tests/e2e/support.mjs';

const ICONS = join(ROOT, 'public', 'icons');
const svg = await readFile(join(ICONS, 'icon.svg'), 'utf8');
const browser = await launchBrowser();
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<style>html,body{margin:0}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
    await page.screenshot({ path: join(ICONS, `icon-${size}.png`), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
