// A Chrome trace of a cold navigation of one app of a measure.mjs spec (the
// third of three, so the browser is warm), for finding where the time goes;
// lazy_compile.py reads it. Usage: node profile.mjs SPEC.json APP CPU OUT.json
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
const [specPath, appName, cpu, out] = process.argv.slice(2);
const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
const app = spec.apps.find((a) => a.name === appName);
// The React builds' own API shape: 25 users with roles and groups.
const IDPS = ['local', 'google', 'azure', 'okta'];
const ROLES = [['admin', 'Admin'], ['editor', 'Editor'], ['viewer', 'Viewer'], ['auditor', 'Auditor']];
const reactRows = Array.from({ length: 25 }, (_, i) => ({
  id: i + 1, first_name: `First${i + 1}`, last_name: `Last${i + 1}`, email: `user${i + 1}@example.com`,
  idp: IDPS[i % 4], status: 'active',
  roles: ROLES.slice(0, 1 + (i % 3)).map(([id, name]) => ({ id, name })),
  groups: [{ id: 'g' + (i % 5), name: `Group ${i % 5}` }, { id: 'staff', name: 'Staff' }],
}));
const FIXTURES = {
  'react-admin': { '/api/users': { body: JSON.stringify(reactRows), headers: { 'Content-Range': 'users 0-24/100' } } },
  'lean-react': { '/api/users': { body: JSON.stringify({ data: reactRows, total: 100 }), headers: {} } },
};

const routes = app.routes ? Object.fromEntries(Object.entries(app.routes).map(([p, f]) => [p, fs.readFileSync(f, 'utf8')])) : Object.fromEntries(Object.entries(FIXTURES[appName]).map(([p, a]) => [p, a.body]));
const last = app.last ?? 'user25@example.com';
const root = path.resolve(app.root);
const server = http.createServer((req, res) => {
  const wanted = path.join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  const file = fs.existsSync(wanted) && fs.statSync(wanted).isFile() ? wanted : path.join(root, 'index.html');
  const t = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };
  res.writeHead(200, { 'Content-Type': t[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(4399, '127.0.0.1', ok));
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
  await page.route((url) => url.pathname in routes, (r) => r.fulfill({ status: 200, contentType: 'application/json', body: routes[new URL(r.request().url()).pathname] }));
  if (i == 2) await browser.startTracing(page, { path: out, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm', 'disabled-by-default-v8.wasm.detailed', 'blink.user_timing', 'loading', 'v8.execute'] });
  await page.goto(`http://127.0.0.1:4399${app.path}`);
  await page.waitForFunction(() => window.__rowsAt, null, { timeout: 60000 });
  console.log(appName, cpu, await page.evaluate(() => window.__rowsAt));
  if (i == 2) await browser.stopTracing();
  await context.close();
}
await browser.close(); server.close();
