/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// `npm run test:install-matrix`: what an application gets when it installs the
// package AS PUBLISHED, on either OpenTelemetry JS line. @opentelemetry/
// instrumentation is an optional peer dependency so that an app holds exactly
// one copy of it, the one its SDK line brings; this script proves it.
//
// It packs the package once (shared with test:node22 and test:runtimes through
// scripts/support/runtimes.js), installs the tarball into scratch apps of each
// kind, with npm or pnpm, in the install orders that once gave two copies (the
// package alone first, then the SDK; the SDK first, then the package), counts
// the copies of @opentelemetry/instrumentation in each app's node_modules
// (real folders, so pnpm's store layout counts the same), checks that npm sees
// no invalid or missing dependency, and runs scripts/install-matrix/app.js:
// one axios request to a loopback server, whose span must be this package's
// and whose traceparent must be the one the server received. An app with no
// copy at all must get an error that says what to install.
//
// Node 24 comes from the npm registry (scripts/support/runtimes.js, cached in
// .cache/; NODE24_BIN uses one you have), pnpm through `npm exec` under Node 24.
// npm's cache is shared by all apps, so a second run installs from it.
//
// Usage: node scripts/test-install-matrix.js [APP...]   (default: every app)
// Prints a table and ends with `N passed, N failed` (one per app).

'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { getRuntime, npm, packTarball, printTable, run, runCounted } = require('./support/runtimes');

const APP_SCRIPT = path.join(__dirname, 'install-matrix', 'app.js');
const PNPM = 'pnpm@12.23.0';
const PACKAGE = 'opentelemetry-instrumentation-axios';

const LINE_3X = {
  '@opentelemetry/api': '~1.10.0',
  '@opentelemetry/sdk-trace': '^3.1.0',
};
const LINE_2X = {
  '@opentelemetry/api': '~1.9.0',
  '@opentelemetry/sdk-trace': '~2.12.0',
};
const PROVIDER_3X = {
  ...LINE_3X,
  '@opentelemetry/instrumentation': '^0.301.0',
  '@opentelemetry/context-async-hooks': '^3.1.0',
  '@opentelemetry/core': '^3.1.0',
};
const PROVIDER_2X = {
  ...LINE_2X,
  '@opentelemetry/instrumentation': '~0.223.0',
  '@opentelemetry/context-async-hooks': '~2.12.0',
  '@opentelemetry/core': '~2.12.0',
};

/**
 * Each app: its dependencies besides the package and axios, the Node that
 * installs and runs it, the package manager, and the install order:
 * `together` (one install of everything), `package-first` (the package alone,
 * then the rest), `sdk-first` (the rest, then the package).
 */
const APPS = [
  { id: '3x-sdk-node', node: 'node24', pm: 'npm', order: 'together', mode: 'sdk-node', deps: { ...LINE_3X, '@opentelemetry/sdk-node': '^0.301.0' } },
  { id: '3x-sdk-node-package-first', node: 'node24', pm: 'npm', order: 'package-first', mode: 'sdk-node', deps: { ...LINE_3X, '@opentelemetry/sdk-node': '^0.301.0' } },
  { id: '3x-sdk-node-sdk-first', node: 'node24', pm: 'npm', order: 'sdk-first', mode: 'sdk-node', deps: { ...LINE_3X, '@opentelemetry/sdk-node': '^0.301.0' } },
  { id: '3x-sdk-node-pnpm', node: 'node24', pm: 'pnpm', order: 'together', mode: 'sdk-node', deps: { ...LINE_3X, '@opentelemetry/sdk-node': '^0.301.0' } },
  { id: '3x-sdk-node-pnpm-package-first', node: 'node24', pm: 'pnpm', order: 'package-first', mode: 'sdk-node', deps: { ...LINE_3X, '@opentelemetry/sdk-node': '^0.301.0' } },
  { id: '3x-provider', node: 'node24', pm: 'npm', order: 'package-first', mode: 'provider', deps: PROVIDER_3X },
  { id: '2x-sdk-node-node20', node: 'current', pm: 'npm', order: 'together', mode: 'sdk-node', deps: { ...LINE_2X, '@opentelemetry/sdk-node': '~0.223.0' } },
  { id: '2x-sdk-node-node20-package-first', node: 'current', pm: 'npm', order: 'package-first', mode: 'sdk-node', deps: { ...LINE_2X, '@opentelemetry/sdk-node': '~0.223.0' } },
  { id: '2x-sdk-node-node24', node: 'node24', pm: 'npm', order: 'package-first', mode: 'sdk-node', deps: { ...LINE_2X, '@opentelemetry/sdk-node': '~0.223.0' } },
  { id: '2x-sdk-node-node24-pnpm', node: 'node24', pm: 'pnpm', order: 'together', mode: 'sdk-node', deps: { ...LINE_2X, '@opentelemetry/sdk-node': '~0.223.0' } },
  { id: '2x-provider-node24', node: 'node24', pm: 'npm', order: 'package-first', mode: 'provider', deps: PROVIDER_2X },
  // Logfire's peer ranges reach the 3.x line (api ^1.9.1, auto-instrumentations-node <0.100), which npm would
  // pick and then fail to fit with its 2.x peers: a Logfire app pins the last 2.x releases, as here.
  {
    id: 'logfire-node',
    node: 'node24',
    pm: 'npm',
    order: 'together',
    mode: 'logfire',
    deps: { '@pydantic/logfire-node': '^0.18.0', '@opentelemetry/api': '~1.9.0', '@opentelemetry/auto-instrumentations-node': '~0.81.2' },
  },
  { id: 'no-base-package', node: 'node24', pm: 'npm', order: 'together', mode: 'missing', deps: { '@opentelemetry/api': '~1.10.0' } },
];

function specs(deps) {
  return Object.entries(deps).map(([name, range]) => `${name}@${range}`);
}

function packageManager(app, nodeBin, args, cwd) {
  if (app.pm === 'npm') return npm(nodeBin, args, cwd);
  return npm(nodeBin, ['exec', '--yes', `--package=${PNPM}`, '--', 'pnpm', ...args], cwd);
}

/** The install commands of an app, in its order. */
function installSteps(app, tarball) {
  // pnpm refuses to finish while a dependency's build script (protobufjs') waits for approval: none is needed here.
  const add = app.pm === 'npm' ? ['install', '--no-audit', '--no-fund'] : ['add', '--reporter=append-only', '--config.strict-dep-builds=false'];
  const packageSpec = tarball;
  const others = ['axios@^1.13.0', ...specs(app.deps)];
  if (app.order === 'together') return [[...add, packageSpec, ...others]];
  if (app.order === 'package-first') return [[...add, packageSpec], [...add, ...others]];
  return [[...add, ...others], [...add, packageSpec]];
}

/** The real folders of @opentelemetry/instrumentation under node_modules, symlinks not followed: { dir, version }. */
function copiesOfBasePackage(dir) {
  const found = [];
  const walk = (folder) => {
    let entries;
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const child = path.join(folder, entry.name);
      if (entry.name === 'instrumentation' && path.basename(folder) === '@opentelemetry') {
        const manifest = path.join(child, 'package.json');
        if (fs.existsSync(manifest)) found.push({ dir: child, version: JSON.parse(fs.readFileSync(manifest, 'utf8')).version });
      }
      walk(child);
    }
  };
  walk(path.join(dir, 'node_modules'));
  return found;
}

/** npm's own view: exits non-zero on an invalid, missing or extraneous package. */
async function npmProblems(app, nodeBin, dir) {
  if (app.pm !== 'npm') return [];
  const ls = await npm(nodeBin, ['ls', '--all'], dir);
  if (ls.code === 0) return [];
  const reasons = ls.output.split('\n').filter((line) => /invalid|missing|UNMET|ELSPROBLEMS|extraneous/.test(line));
  return reasons.length > 0 ? reasons : [`npm ls exited with ${ls.code}`];
}

const LOGFIRE_APP = `
'use strict';
// Logfire's set-up with the instrumentation, spans kept here (sendToLogfire: false).
const http = require('node:http');
const path = require('node:path');
const { trace } = require('@opentelemetry/api');
const logfire = require('@pydantic/logfire-node');
const { AxiosInstrumentation } = require('${PACKAGE}');
const instrumentation = new AxiosInstrumentation();
logfire.configure({ serviceName: 'install-matrix', sendToLogfire: false, instrumentations: [instrumentation] });
const axios = require('axios');
const server = http.createServer((req, res) => { received = req.headers.traceparent; res.end('ok'); });
let received;
server.listen(0, '127.0.0.1', async () => {
  let result;
  try {
    const response = await logfire.span('matrix', {}, {}, () => axios.get('http://127.0.0.1:' + server.address().port + '/matrix'));
    const base = require.resolve('@opentelemetry/instrumentation/package.json', { paths: [path.dirname(require.resolve('${PACKAGE}'))] });
    result = { status: response.status, traceparent: received, enabled: instrumentation.isEnabled(), base: { version: require(base).version } };
  } catch (error) {
    result = { error: String(error && error.stack || error) };
  }
  server.close();
  process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n');
  process.exit(result.error ? 1 : 0);
});
`;

async function runApp(app, nodeBin, dir) {
  const script = app.mode === 'logfire' ? 'logfire-app.js' : 'app.js';
  const args = app.mode === 'logfire' ? [script] : [script, app.mode];
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(OTEL_|LOGFIRE_)/.test(key)) delete env[key];
  const result = await run(nodeBin, args, { cwd: dir, env });
  const line = /^RESULT (.*)$/m.exec(result.stdout);
  return { ...result, result: line ? JSON.parse(line[1]) : undefined };
}

/** What the app's run must show for its kind; the reasons it does not. */
function checkRun(app, outcome) {
  const { result } = outcome;
  if (!result) return [`no result (exit ${outcome.code})`];
  if (result.error) return [result.error.split('\n')[0]];
  if (app.mode === 'missing') {
    if (result.loaded) return ['the package loaded without @opentelemetry/instrumentation'];
    return /npm install @opentelemetry\/instrumentation@/.test(result.message) ? [] : [`unhelpful error: ${result.message}`];
  }
  const problems = [];
  if (result.status !== 200) problems.push(`status ${result.status}`);
  if (!result.base) problems.push(`${PACKAGE} finds no @opentelemetry/instrumentation`);
  if (app.mode === 'logfire') {
    if (!result.enabled) problems.push('instrumentation not enabled');
    if (!/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/.test(result.traceparent || '')) problems.push(`traceparent ${result.traceparent}`);
    return problems;
  }
  if (result.spans.length !== 1) problems.push(`${result.spans.length} spans of ${PACKAGE}`);
  else {
    const [span] = result.spans;
    const expected = `00-${span.traceId}-${span.spanId}-01`;
    if (result.traceparent !== expected) problems.push(`server saw traceparent ${result.traceparent}, span is ${expected}`);
  }
  return problems;
}

async function testApp(app, nodes, tarball, tmp) {
  const nodeBin = nodes[app.node];
  const dir = path.join(tmp, app.id);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: `matrix-${app.id}`, version: '1.0.0', private: true }, null, 2)}\n`);
  fs.copyFileSync(APP_SCRIPT, path.join(dir, 'app.js'));
  fs.writeFileSync(path.join(dir, 'logfire-app.js'), LOGFIRE_APP);
  const started = Date.now();
  let log = '';
  for (const step of installSteps(app, tarball)) {
    const installed = await packageManager(app, nodeBin, step, dir);
    log += `$ ${app.pm} ${step.join(' ')}\n${installed.output}`;
    if (installed.code !== 0) return { ok: false, summary: `${app.pm} ${step[0]} exited with ${installed.code}`, log };
  }
  const installSeconds = (Date.now() - started) / 1000;
  const copies = copiesOfBasePackage(dir);
  const problems = await npmProblems(app, nodeBin, dir);
  const expectedCopies = app.mode === 'missing' ? 0 : 1;
  if (copies.length !== expectedCopies) problems.push(`${copies.length} copies: ${copies.map((copy) => copy.version).join(', ')}`);
  const outcome = await runApp(app, nodeBin, dir);
  problems.push(...checkRun(app, outcome));
  const base = outcome.result && outcome.result.base;
  const copyNote = `${copies.length} ${copies.length === 1 ? 'copy' : 'copies'}${copies.length > 0 ? ` (${[...new Set(copies.map((copy) => copy.version))].join(', ')})` : ''}`;
  const usage = app.mode === 'missing' ? 'clear error' : base ? `uses ${base.version}` : 'no base package';
  return {
    ok: problems.length === 0,
    copies: copies.length,
    summary: `${copyNote}, ${usage}, ${app.mode === 'missing' ? 'no request' : 'traced request'}; install ${installSeconds.toFixed(0)} s` +
      (problems.length > 0 ? `; ${problems.join('; ')}` : ''),
    log: `${log}\n${outcome.output}`,
  };
}

/** Runs `work` over `items`, `limit` at a time. */
async function inPool(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function main() {
  const started = Date.now();
  const wanted = process.argv.slice(2);
  const apps = wanted.length > 0 ? APPS.filter((app) => wanted.includes(app.id)) : APPS;
  if (apps.length === 0) throw new Error(`unknown app; apps: ${APPS.map((app) => app.id).join(', ')}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-axios-install-matrix-'));
  console.log(`test:install-matrix: the packed package in ${apps.length} scratch apps (work dir ${tmp})`);

  const [node24, pack] = await Promise.all([getRuntime('node24', tmp), packTarball(tmp)]);
  const rows = [];
  let failed = 0;
  if (!pack.tarball || !node24.ok) {
    console.log(`FAIL  ${!pack.tarball ? `npm pack: exit ${pack.code}\n${pack.output}` : `no Node 24 (${node24.source})\n${node24.log}`}`);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
    return;
  }
  console.log(`tarball ${path.basename(pack.tarball)}${pack.reused ? ' (packed earlier from the same sources)' : ''}; Node 24: v${node24.version} (${node24.source})`);
  const nodes = { current: process.execPath, node24: node24.bin };
  const versions = { current: process.versions.node, node24: node24.version };

  // Installs wait on the network and the disk more than on the CPU: a few at a time.
  const results = await inPool(apps, 3, (app) => testApp(app, nodes, pack.tarball, tmp));
  for (const [index, app] of apps.entries()) {
    const outcome = results[index];
    if (!outcome.ok) failed++;
    console.log(`${outcome.ok ? 'PASS' : 'FAIL'}  ${app.id}: ${outcome.summary}`);
    if (!outcome.ok) console.log(outcome.log.trimEnd().replace(/^/gm, '      '));
    rows.push([app.id, `v${versions[app.node]}`, app.pm, app.order, `${outcome.ok ? 'PASS' : 'FAIL'} ${outcome.summary}`]);
  }

  printTable(['app', 'Node', 'installer', 'order', 'result'], rows);
  if (failed === 0 && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  else console.log(`\nWork dir kept for inspection: ${tmp}`);
  console.log(`\nTotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${apps.length - failed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

runCounted(main);
