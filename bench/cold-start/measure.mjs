// Cold navigation -> 25 user rows, for the console and the two React builds
// of the same page, side by side (`cargo xtask bench` runs it; see README).
//
// Each app is served from a plain static server (no compression, nothing
// cached), every API call is answered inside the page (no server involved),
// every run opens a fresh browser context, and the apps take turns run by
// run so machine noise hits each alike; run 0 is a warm-up. The finish line
// is the same for all: the table holds 25 body rows and the 25th user's email.
//
// Usage: node measure.mjs SPEC.json  — prints one JSON object per app and
// CPU slowdown: {"app", "cpu", "median_ms", "min_ms", "max_ms", "runs"}.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { serve, withRoutes } from './harness.mjs';

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const apps = spec.apps.map((app, i) => ({ ...withRoutes(app), port: 4310 + i }));

// Runs in the page before anything else: note when the rows are there.
function watchRows(last) {
  const check = () => {
    if (window.__rowsAt) return;
    const body = document.querySelector('tbody');
    if (body && body.querySelectorAll('tr').length >= 25 && body.textContent.includes(last)) {
      window.__rowsAt = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const browser = await chromium.launch({ executablePath: spec.chromium, args: ['--no-sandbox', '--disable-gpu'] });
for (const app of apps) app.server = await serve(path.resolve(app.root), app.port);
for (const [cpu, runs] of Object.entries(spec.runs)) {
  const times = {};
  for (let run = 0; run <= runs; run++) {
    for (const app of apps) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      if (Number(cpu) > 1) {
        await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: Number(cpu) });
      }
      if (app.token) await page.addInitScript((t) => sessionStorage.setItem('users-console.access-token', t), app.token);
      await page.addInitScript(watchRows, app.last);
      await page.route((url) => url.pathname in app.routes, (route) => {
        const answer = app.routes[new URL(route.request().url()).pathname];
        route.fulfill({ status: 200, contentType: 'application/json', headers: answer.headers, body: answer.body });
      });
      await page.goto(`http://127.0.0.1:${app.port}${app.path}`);
      await page.waitForFunction(() => window.__rowsAt, null, { timeout: 60000 });
      const at = await page.evaluate(() => window.__rowsAt);
      if (run > 0) (times[app.name] ??= []).push(at);
      await context.close();
    }
  }
  for (const app of apps) {
    const t = times[app.name];
    console.log(JSON.stringify({
      app: app.name, cpu: Number(cpu), median_ms: median(t), min_ms: Math.min(...t), max_ms: Math.max(...t), runs: t.length,
    }));
  }
}
for (const app of apps) app.server.close();
await browser.close();
