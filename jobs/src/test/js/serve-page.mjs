// Drives the search page of `bin/fhs serve` in headless Chromium and prints what it saw as one
// JSON object on stdout, for ServeITCase to assert on. Usage:
//   FHS_PLAYWRIGHT_CORE=DIR node serve-page.mjs URL QUERY PROBE_QUERY SCREENSHOT_DIR
// DIR is an installed playwright-core package (.ci/install-tools puts it in .local/node).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [url, query, probeQuery, shots] = process.argv.slice(2);
const { chromium } = await import(
  pathToFileURL(path.join(process.env.FHS_PLAYWRIGHT_CORE, 'index.mjs')).href);
// Every wait polls until this deadline: a first search loads nothing more, so 60 s is plenty.
const TIMEOUT = 60_000;

const browser = await chromium.launch({
  executablePath: process.env.FHS_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});
const out = { errors: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (e) => out.errors.push('pageerror: ' + e.message));
  // The browser logs each failed fetch, the 400 that the bad top_k asks for among them.
  let expect400 = false;
  page.on('console', (m) => {
    if (m.type() === 'error' && !(expect400 && m.text().includes('status of 400'))) {
      out.errors.push('console: ' + m.text());
    }
  });

  const settled = (view) => page.waitForSelector(
    `#results[data-state="done"][data-view="${view}"]`, { state: 'attached' });
  const hits = () => page.$$eval('#results > ol.hits > li.hit', (items) => items.map((li) => ({
    doc_id: li.dataset.docId,
    title: li.querySelector('.title').textContent,
    marks: [...li.querySelectorAll('.snippet mark')].map((m) => m.textContent),
    scores: [...li.querySelectorAll('.score')].map((s) => s.classList[1]),
  })));
  const pickMode = async (label) => {
    await page.locator('.modes span', { hasText: label }).click();
  };

  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  out.collection = await page.textContent('#collection');
  await page.locator('#q').pressSequentially(query);
  await page.press('#q', 'Enter');
  await settled('hybrid');
  out.hybrid = await hits();
  out.status = await page.textContent('#status');
  await page.screenshot({ path: path.join(shots, 'serve-hits.png'), fullPage: true });

  await pickMode('Dense');
  await settled('dense');
  out.dense = await hits();
  await pickMode('Sparse');
  await settled('sparse');
  out.sparse = await hits();

  await pickMode('Compare');
  await settled('compare');
  out.compare = {};
  for (const mode of ['dense', 'sparse', 'hybrid']) {
    out.compare[mode] = await page.$$eval(`.column[data-mode="${mode}"] li.hit`,
      (items) => items.map((li) => li.dataset.docId));
  }
  await page.locator('.column[data-mode="hybrid"] li.hit').first().hover();
  out.linked = await page.$$eval('.hit.linked', (e) => e.length);
  await page.screenshot({ path: path.join(shots, 'serve-screenshot.png'), fullPage: false });

  // A bad parameter's message reaches the page.
  await pickMode('Hybrid');
  await settled('hybrid');
  expect400 = true;
  await page.fill('#top-k', '0');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#results[data-state="error"]', { state: 'attached' });
  out.badTopK = await page.textContent('#results .error');
  expect400 = false;

  // Document text reaches the page as text: a document's markup shows as written.
  await page.fill('#top-k', '10');
  await page.fill('#q', probeQuery);
  await pickMode('Sparse');
  await settled('sparse');
  out.probe = await hits();
  out.injected = await page.$$eval('#results img, #results b, #results i', (e) => e.length);
  out.literalMarkup = await page.$$eval('#results .snippet',
    (ps) => ps.some((p) => p.textContent.includes('<b>Markup</b>')));
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
