/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// `npm run test:zero-code`: the zero-code entry point AS PUBLISHED, beside
// @opentelemetry/auto-instrumentations-node/register, on both OpenTelemetry JS
// lines: the packed tarball installed into a throw-away application per line
// (3.x on Node 24, 2.x on this Node), then test/zero-code.test.ts run against
// each: its child processes start in that application's folder with that
// line's Node (ZERO_CODE_APP_DIR, ZERO_CODE_NODE), while mocha, the loopback
// server and the OTLP receiver run here. `npm test` runs the same file inside
// this project; this adds what only a real install shows (package.json
// "exports" and "files", the 3.x line).
//
// Node 24 comes from the npm registry through scripts/support/runtimes.js
// (NODE24_BIN=/path/to/node uses one you have). Scratch folders go under
// os.tmpdir(), removed after a passing run, kept after a failing one (or
// always, with KEEP_TMP=1). --no-build reuses build/ from `npm test`.
// Ends with `N passed, N failed` (the tests, plus one per failed install).

'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { REPO, buildSuite, finishCounted, getRuntime, mochaCount, nodeVersion, npm, packTarball, printTable, run, runCounted } = require('./support/runtimes');

const TEST_FILE = path.join(REPO, 'build', 'test', 'zero-code.test.js');

/** The applications, as a user of each line would declare them. */
const APPS = [
  {
    id: 'otel-3x',
    label: 'OTel JS 3.x',
    runtime: 'node24',
    dependencies: {
      axios: '^1.0.0',
      '@opentelemetry/api': '~1.10.0',
      '@opentelemetry/sdk-node': '~0.301.0',
      '@opentelemetry/auto-instrumentations-node': '~0.82.0',
    },
  },
  {
    id: 'otel-2x',
    label: 'OTel JS 2.x',
    runtime: 'current',
    dependencies: {
      axios: '^1.0.0',
      '@opentelemetry/api': '~1.9.0',
      '@opentelemetry/sdk-node': '~0.223.0',
      '@opentelemetry/auto-instrumentations-node': '~0.81.2',
    },
  },
];

async function installApp(app, nodeBin, tarball, tmp) {
  const dir = path.join(tmp, app.id);
  fs.mkdirSync(dir);
  const manifest = {
    name: `zero-code-${app.id}`,
    version: '1.0.0',
    private: true,
    dependencies: { 'opentelemetry-instrumentation-axios': `file:${tarball}`, ...app.dependencies },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const install = await npm(nodeBin, ['install', '--no-audit', '--no-fund'], dir);
  const versions = await npm(nodeBin, ['ls', '--all', '--json'], dir);
  return { dir, install, versions: installedVersions(versions.stdout) };
}

/** The versions the application got of the packages that matter here. */
function installedVersions(lsJson) {
  const wanted = ['@opentelemetry/api', '@opentelemetry/sdk-node', '@opentelemetry/auto-instrumentations-node', 'axios'];
  let tree;
  try {
    tree = JSON.parse(lsJson).dependencies ?? {};
  } catch {
    return '';
  }
  return wanted
    .filter((name) => tree[name])
    .map((name) => `${name.replace('@opentelemetry/', '')} ${tree[name].version}`)
    .join(', ');
}

async function runTests(app, nodeBin, dir) {
  const env = { ...process.env, ZERO_CODE_APP_DIR: dir, ZERO_CODE_NODE: nodeBin, ZERO_CODE_SHOW_SPANS: '1' };
  delete env.NODE_V8_COVERAGE;
  const mocha = path.join(REPO, 'node_modules', 'mocha', 'bin', 'mocha.js');
  return run(process.execPath, [mocha, '--no-config', '--exit', TEST_FILE], { cwd: REPO, env });
}

async function main() {
  const started = Date.now();
  const noBuild = process.argv.includes('--no-build');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-axios-zero-code-'));
  console.log(`test:zero-code: the packed register entry point beside auto-instrumentations-node (work dir ${tmp})`);
  const rows = [];
  let passed = 0;
  let failed = 0;

  const [built, pack, node24] = await Promise.all([
    noBuild ? { ok: fs.existsSync(TEST_FILE), output: `no ${TEST_FILE}: run npm test first` } : buildSuite(),
    packTarball(tmp),
    getRuntime('node24', tmp),
  ]);
  const problems = [
    !built.ok && `build: ${built.output}`,
    !pack.tarball && `npm pack: exit ${pack.code}\n${pack.output}`,
    !node24.ok && `Node 24: no binary (${node24.source})\n${node24.log}`,
  ].filter(Boolean);
  const nodes = { node24: node24.ok ? node24.bin : undefined, current: process.execPath };
  const runnable = built.ok && pack.tarball ? APPS.filter((app) => nodes[app.runtime]) : [];
  for (const problem of problems) console.log(`FAIL  ${problem}`);
  failed += problems.length;

  // One install at a time: two npm installs at once on a loaded two-core machine gain little.
  for (const app of runnable) {
    const nodeBin = nodes[app.runtime];
    const nodeLabel = `v${nodeVersion(nodeBin)}`;
    const { dir, install, versions } = await installApp(app, nodeBin, pack.tarball, tmp);
    if (install.code !== 0) {
      failed++;
      rows.push([nodeLabel, app.label, `FAIL npm install exited with ${install.code}`]);
      console.log(`FAIL  ${app.label}: npm install\n${install.output}`);
      continue;
    }
    console.log(`\n${app.label} on Node ${nodeLabel}: ${versions} (installed in ${install.seconds.toFixed(0)} s)`);
    const result = await runTests(app, nodeBin, dir);
    process.stdout.write(result.output.replace(/^/gm, '  '));
    const appPassed = mochaCount(result.output, 'passing');
    let appFailed = mochaCount(result.output, 'failing');
    if (result.code !== 0 && appFailed === 0) appFailed = 1;
    passed += appPassed;
    failed += appFailed;
    rows.push([nodeLabel, app.label, `${appFailed === 0 ? 'PASS' : 'FAIL'} ${appPassed} passing, ${appFailed} failing; ${versions}`]);
  }

  printTable(['Node', 'SDK line', 'result'], rows);
  finishCounted(passed, failed, { tmp, started });
}

runCounted(main);
