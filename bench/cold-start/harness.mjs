// What measure.mjs and profile.mjs share: the plain static server the apps
// are loaded from, and the API answers each app's first view gets.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.json': 'application/json', '.wasm': 'application/wasm',
};

export function serve(root, port) {
  const server = http.createServer((req, res) => {
    const wanted = path.join(root, path.normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    const file = wanted.startsWith(root) && fs.existsSync(wanted) && fs.statSync(wanted).isFile()
      ? wanted : path.join(root, 'index.html');
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

// The React builds' own API shape: 25 users with roles and groups.
const IDPS = ['local', 'google', 'azure', 'okta'];
const ROLES = [['admin', 'Admin'], ['editor', 'Editor'], ['viewer', 'Viewer'], ['auditor', 'Auditor']];
const reactRows = Array.from({ length: 25 }, (_, i) => ({
  id: i + 1, first_name: `First${i + 1}`, last_name: `Last${i + 1}`, email: `user${i + 1}@example.com`,
  idp: IDPS[i % 4], status: 'active',
  roles: ROLES.slice(0, 1 + (i % 3)).map(([id, name]) => ({ id, name })),
  groups: [{ id: 'g' + (i % 5), name: `Group ${i % 5}` }, { id: 'staff', name: 'Staff' }],
}));
export const FIXTURES = {
  'react-admin': { '/api/users': { body: JSON.stringify(reactRows), headers: { 'Content-Range': 'users 0-24/100' } } },
  'lean-react': { '/api/users': { body: JSON.stringify({ data: reactRows, total: 100 }), headers: {} } },
};

// `app` of a spec, with its API answers ({path: {body, headers}}) and the
// last user's email, the finish line.
export function withRoutes(app) {
  return {
    ...app,
    routes: app.routes
      ? Object.fromEntries(Object.entries(app.routes).map(([p, file]) => [p, { body: fs.readFileSync(file, 'utf8'), headers: {} }]))
      : FIXTURES[app.name],
    last: app.last ?? 'user25@example.com',
  };
}
