// A Chrome trace of a cold navigation of one app of a measure.mjs spec (the
// third of three, so the browser is warm), for finding where the time goes;
// lazy_compile.py reads it. Usage: node profile.mjs SPEC.json APP CPU OUT.json
// (CPUPROF=1 adds V8's sampling profiler: where the time goes by function)
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { serve, withRoutes } from './harness.mjs';
const [specPath, appName, cpu, out] = process.argv.slice(2);
const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
const app = spec.apps.find((a) => a.name === appName);
const { routes } = withRoutes(app);
const server = await serve(path.resolve(app.root), 4399);
const browser = await chromium.launch({ executablePath: spec.chromium, args: ['--no-sandbox', '--disable-gpu'] });
for (let i = 0; i < 3; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: Number(cpu) });
  if (app.token) await page.addInitScript((t) => sessionStorage.setItem('users-console.access-token', t), app.token);
  await page.addInitScript((last) => {
    const check = () => { const b = document.querySelector('tbody');
      if (!window.__rowsAt && b && b.querySelectorAll('tr').length >= 25) { window.__rowsAt = performance.now(); performance.mark('rows'); } };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
  }, app.last);
  await page.route((url) => url.pathname in routes, (r) => r.fulfill({ status: 200, contentType: 'application/json', body: routes[new URL(r.request().url()).pathname].body, headers: routes[new URL(r.request().url()).pathname].headers }));
  if (i == 2) await browser.startTracing(page, { path: out, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm', 'disabled-by-default-v8.wasm.detailed', 'blink.user_timing', 'loading', 'v8.execute', ...(process.env.CPUPROF ? ['disabled-by-default-v8.cpu_profiler'] : [])] });
  await page.goto(`http://127.0.0.1:4399${app.path}`);
  await page.waitForFunction(() => window.__rowsAt, null, { timeout: 60000 });
  console.log(appName, cpu, await page.evaluate(() => window.__rowsAt));
  if (i == 2) await browser.stopTracing();
  await context.close();
}
await browser.close(); server.close();
