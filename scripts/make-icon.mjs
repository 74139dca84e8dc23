// Renders resources/sagemaker.svg into resources/icon.png, the Marketplace icon (which must be a PNG,
// https://code.visualstudio.com/api/references/extension-manifest): white strokes on the banner colour,
// 256×256, transparent outside the rounded square. Run once after changing the SVG:
//   node scripts/make-icon.mjs        (SMCT_CHROMIUM overrides /usr/bin/chromium)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIZE = 256;
// Same colour as package.json's galleryBanner, so the icon sits on the Marketplace banner as one piece.
const BACKGROUND = '#232f3e';

const svg = fs.readFileSync(path.join(ROOT, 'resources/sagemaker.svg'), 'utf8');
const page = `<!doctype html><html><body style="margin:0;background:transparent">
<div style="width:${SIZE}px;height:${SIZE}px;border-radius:${SIZE * 0.18}px;background:${BACKGROUND};
display:flex;align-items:center;justify-content:center;color:#ffffff">
<div style="width:${SIZE * 0.8}px;height:${SIZE * 0.8}px">${svg.replace('<svg ', '<svg style="width:100%;height:100%" ')}</div>
</div></body></html>`;

const browser = await chromium.launch({ executablePath: process.env.SMCT_CHROMIUM ?? '/usr/bin/chromium', headless: true });
try {
  const tab = await browser.newPage({ viewport: { width: SIZE, height: SIZE } });
  await tab.setContent(page);
  await tab.screenshot({ path: path.join(ROOT, 'resources/icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
