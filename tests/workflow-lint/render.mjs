// Opens each BPMN file in bpmn-js inside headless Chromium (Debian's, never a downloaded one) and fails on any
// import error or warning. Usage: node render.mjs [--screenshots DIR] FILE.bpmn...
import { readFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
let shots = null;
if (args[0] === '--screenshots') {
  shots = args[1];
  args.splice(0, 2);
  await mkdir(shots, { recursive: true });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let problems = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 700 } });
  await page.goto(pathToFileURL(join(fileURLToPath(new URL('.', import.meta.url)), 'viewer.html')).href);
  for (const file of args) {
    const result = await page.evaluate(xml => window.importDiagram(xml), await readFile(file, 'utf8'));
    for (const message of [...(result.error ? [result.error] : []), ...result.warnings]) {
      console.log(`${basename(file)}: ${message}`);
      problems++;
    }

    console.log(`${basename(file)}: drawn by bpmn-js with ${result.shapes} elements`);
    if (shots) {
      await page.screenshot({ path: join(shots, basename(file, '.bpmn') + '.png') });
    }
  }
} finally {
  await browser.close();
}

process.exit(problems === 0 ? 0 : 1);
